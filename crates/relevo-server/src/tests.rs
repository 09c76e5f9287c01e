//! Small pure pieces: the field named by an extractor's message, cookie parsing, the role matrix.

use crate::auth::{Perm, allows, constant_time_eq, cookie};
use crate::error::{field_of, in_api_terms};
use axum::http::{HeaderMap, HeaderValue, header};
use relevo_store::Role;

#[test]
fn field_names_come_out_of_serde_messages() {
    for (msg, field) in [
        (
            "Failed to deserialize query string: unknown field `colour`, expected one of `from`",
            Some("colour"),
        ),
        (
            "Failed to deserialize the JSON body into the target type: missing field `role` at line 1 column 12",
            Some("role"),
        ),
        (
            "Failed to deserialize the JSON body into the target type: expires_in_days: invalid type: string \"soon\", expected u32 at line 1 column 30",
            Some("expires_in_days"),
        ),
        (
            "Failed to parse the request body as JSON: key must be a string at line 1 column 2",
            None,
        ),
    ] {
        assert_eq!(field_of(msg).as_deref(), field, "{msg}");
    }
}

#[test]
fn extractor_messages_are_said_in_api_terms() {
    for (msg, said) in [
        (
            "Failed to deserialize query string: unknown field `colour`, expected one of `from`",
            "query string: unknown parameter `colour`, expected one of `from`",
        ),
        (
            "Failed to deserialize the JSON body into the target type: missing field `role` at line 1 column 12",
            "JSON body: missing field `role` at line 1 column 12",
        ),
        (
            "Failed to parse the request body as JSON: key must be a string at line 1 column 2",
            "JSON body: key must be a string at line 1 column 2",
        ),
        ("something else", "something else"),
    ] {
        assert_eq!(in_api_terms(msg), said);
    }
}

#[test]
fn cookies_are_found_among_several() {
    let mut h = HeaderMap::new();
    h.append(
        header::COOKIE,
        HeaderValue::from_static("a=1; relevo_session=abc"),
    );
    h.append(header::COOKIE, HeaderValue::from_static("relevo_lang=es"));
    assert_eq!(cookie(&h, "relevo_session"), Some("abc"));
    assert_eq!(cookie(&h, "relevo_lang"), Some("es"));
    assert_eq!(cookie(&h, "missing"), None);
    assert!(constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd"));
}

#[test]
fn role_matrix() {
    let table: Vec<String> = Role::ALL
        .iter()
        .map(|r| {
            let perms: Vec<&str> = [
                (Perm::Read, "read"),
                (Perm::Ingest, "ingest"),
                (Perm::Manage, "manage"),
                (Perm::Admin, "admin"),
            ]
            .into_iter()
            .filter(|(p, _)| allows(*r, *p))
            .map(|(_, n)| n)
            .collect();
            format!("{r}: {}", perms.join(" "))
        })
        .collect();
    expect_test::expect![[r#"
        admin: read ingest manage admin
        manager: read ingest manage
        analyst: read
        provider: read ingest"#]]
    .assert_eq(&table.join("\n"));
}
