#![allow(dead_code)] // each target uses what it needs of it
// Shared by the targets: what every record a parser yields must satisfy.

use relevo_import::Item;

/// Drains a parser; every record it yields passes validation (the bounds included), and every
/// diagnostic prints short, whatever the input.
pub fn drain(items: impl Iterator<Item = Item>) {
    for item in items.take(100_000) {
        match item {
            Item::Record(r) => {
                if let Err(e) = r.validate() {
                    panic!("a parser yielded an invalid record: {e}");
                }
            }
            Item::Skipped(_) => {}
            Item::Invalid(d) | Item::Unreadable(d) => check_short(&d.to_string()),
        }
    }
}

/// An error message quotes little of its input (at most 80 characters of a value, a few of them).
pub fn check_short(message: &str) {
    assert!(
        message.chars().count() < 2_000,
        "a {}-character error message",
        message.chars().count()
    );
}
