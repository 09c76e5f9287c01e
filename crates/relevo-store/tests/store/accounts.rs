//! Tokens, sessions, users, login attempts and the audit log on an in-memory store.

use crate::support::scratch;
use relevo_store::{NewToken, Role, Scope};

fn token(role: Role, provider: Option<&str>) -> NewToken {
    NewToken {
        name: "t".into(),
        role,
        provider: provider.map(str::to_string),
        expires_at_ms: Some(1_000),
    }
}

#[test]
fn tokens_resolve_until_revoked_or_expired() {
    let s = scratch();
    let id = s
        .create_token("secret-a", &token(Role::Provider, Some("acme")), 0)
        .unwrap();
    let p = s.token_principal("secret-a", 10).unwrap().unwrap();
    assert_eq!(p.role, Role::Provider);
    assert_eq!(p.scope(), Scope::Provider("acme".into()));
    assert_eq!(s.token_principal("secret-b", 10).unwrap(), None);
    assert_eq!(
        s.token_principal("secret-a", 1_000).unwrap(),
        None,
        "expired"
    );
    assert!(s.revoke_token(id, 20).unwrap());
    assert!(!s.revoke_token(id, 21).unwrap());
    assert_eq!(s.token_principal("secret-a", 30).unwrap(), None, "revoked");
    let listed = s.list_tokens().unwrap();
    assert_eq!(listed[0].revoked_at_ms, Some(20));
    assert_eq!(listed[0].last_used_at_ms, Some(10));
}

#[test]
fn roles_and_provider_keys_must_agree() {
    let s = scratch();
    assert!(
        s.create_token("x", &token(Role::Provider, None), 0)
            .is_err()
    );
    assert!(
        s.create_token("y", &token(Role::Analyst, Some("acme")), 0)
            .is_err()
    );
    assert!(s.add_user("p", "h", Role::Provider, None, 0).is_err());
}

#[test]
fn sessions_and_users() {
    let s = scratch();
    let uid = s.add_user("ana", "hash", Role::Analyst, None, 0).unwrap();
    assert!(s.add_user("ana", "hash", Role::Analyst, None, 0).is_err());
    let (u, h) = s.user_for_login("ana").unwrap().unwrap();
    assert_eq!((u.id, h.as_str()), (uid, "hash"));
    s.create_session("sid", uid, "csrf", 0, 100).unwrap();
    let (p, csrf) = s.session_principal("sid", 50).unwrap().unwrap();
    assert_eq!((p.actor.as_str(), csrf.as_str()), ("user:ana", "csrf"));
    assert_eq!(s.session_principal("sid", 100).unwrap(), None);
    assert!(s.set_password("ana", "new").unwrap());
    assert_eq!(
        s.session_principal("sid", 50).unwrap(),
        None,
        "a new password ends sessions"
    );
    assert!(!s.set_password("nobody", "x").unwrap());
    s.add_user("zoe", "hash", Role::Provider, Some("acme"), 5)
        .unwrap();
    let listed: Vec<(String, Role, Option<String>)> = s
        .list_users()
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.role, u.provider))
        .collect();
    assert_eq!(
        listed,
        [
            ("ana".to_string(), Role::Analyst, None),
            ("zoe".to_string(), Role::Provider, Some("acme".to_string()))
        ]
    );
    s.delete_session("sid").unwrap();
    assert_eq!(s.session_principal("sid", 50).unwrap(), None);
}

#[test]
fn login_failures_and_audit() {
    let s = scratch();
    for t in [1, 2, 3] {
        s.record_login_failure("ana", t).unwrap();
    }
    assert_eq!(s.login_failures_since("ana", 2).unwrap(), 2);
    s.clear_login_failures("ana").unwrap();
    assert_eq!(s.login_failures_since("ana", 0).unwrap(), 0);
    s.audit(5, "user:ana", "token.create", Some("3"), None)
        .unwrap();
    s.audit(6, "user:ana", "token.revoke", Some("3"), None)
        .unwrap();
    let log = s.audit_log(10).unwrap();
    assert_eq!(log[0].action, "token.revoke");
    assert_eq!(log.len(), 2);
}

#[test]
fn data_span_follows_the_scope() {
    let mut s = scratch();
    assert_eq!(s.data_span(&Scope::All).unwrap(), None);
    let rec = |provider: &str, at: i64| relevo_core::ContactRecord {
        direction: relevo_core::Direction::Inbound,
        answered_at_ms: Some(at + 1000),
        updated_at_ms: at + 1000,
        ..relevo_core::ContactRecord::new(
            format!("{provider}{at}"),
            provider,
            "q",
            relevo_core::Channel::Voice,
            at,
            relevo_core::Outcome::Answered,
        )
    };
    let records = vec![rec("a", 0), rec("a", 900_000), rec("b", 9_000_000)];
    s.import("t", 3, &mut records.into_iter().map(Ok), &mut |_| {}, None)
        .unwrap();
    assert_eq!(s.data_span(&Scope::All).unwrap(), Some((0, 10)));
    assert_eq!(
        s.data_span(&Scope::Provider("a".into())).unwrap(),
        Some((0, 1))
    );
    assert_eq!(s.data_span(&Scope::Provider("zz".into())).unwrap(), None);
}
