//! Key paths to lines and back.

use super::*;

const TEXT: &str = "provider = \"p\"\n\n[[terms]]\nid = \"a\"\n\n[[terms]]\nid = \"b\"\nbonus = [{ at = 0.9, pct = 1 }]\n";

#[test]
fn locate_finds_the_value_of_a_path() {
    let s = Spans::new(TEXT);
    let p = KeyPath::root()
        .key("terms")
        .index(1)
        .key("bonus")
        .index(0)
        .key("pct");
    assert_eq!(p.to_string(), "terms[1].bonus[0].pct");
    assert_eq!(
        s.locate(&p).to_string(),
        "line 8, column 28: terms[1].bonus[0].pct: "
    );
    // A missing key falls back to the deepest part that exists.
    let q = KeyPath::root().key("terms").index(0).key("target");
    assert_eq!(
        s.locate(&q).to_string(),
        "line 3, column 1: terms[0].target: "
    );
}

#[test]
fn path_at_names_the_innermost_key() {
    let s = Spans::new(TEXT);
    let offset = TEXT.find("0.9").unwrap();
    assert_eq!(s.path_at(offset).to_string(), "terms[1].bonus[0].at");
    let offset = TEXT.find("\"b\"").unwrap();
    assert_eq!(s.path_at(offset).to_string(), "terms[1].id");
    assert_eq!(line_col(TEXT, offset), (7, 6));
}
