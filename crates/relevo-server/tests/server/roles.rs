//! The role matrix: a provider, by token or by account, gets nothing of another provider from any
//! endpoint or page, and cannot write another provider's records.

use crate::support::{PASSWORD, Server, contact};
use axum::http::StatusCode;

/// Every read endpoint and page, with and without naming the other provider or its queue.
const READS: &[&str] = &[
    "/healthz",
    "/metrics",
    "/api/v1/openapi.json",
    "/api/v1/kpis?from=2026-10-01&to=2026-10-02&group=provider,queue,channel",
    "/api/v1/kpis?from=2026-10-01&to=2026-10-02&group=provider&format=csv",
    "/api/v1/kpis?from=2026-10-01&to=2026-10-02&provider=zenith",
    "/api/v1/kpis?from=2026-10-01&to=2026-10-02&queue=tech&group=queue",
    "/api/v1/providers",
    "/api/v1/hours?from=2026-10-01&to=2026-10-02",
    "/api/v1/contracts",
    "/api/v1/queues",
    "/api/v1/me",
    "/api/v1/erlang?arrivals=10&aht_s=100&agents=3",
    "/api/v1/tokens",
    "/api/v1/users",
    "/api/v1/audit",
    "/overview",
    "/overview?from=2026-10-01&to=2026-10-02",
    "/providers/zenith?from=2026-10-01&to=2026-10-02",
    "/providers/acme?from=2026-10-01&to=2026-10-02",
    "/queues/billing?from=2026-10-01&to=2026-10-02",
    "/queues/tech?from=2026-10-01&to=2026-10-02",
    "/planning?arrivals=10",
];

/// Nothing that names or measures zenith: its key, its own queue, its tokens and people.
fn leaks(body: &str) -> Option<&'static str> {
    ["zenith", "tech", "zoe"]
        .into_iter()
        .find(|w| body.contains(w))
}

#[tokio::test]
async fn a_provider_token_sees_only_its_own_data() {
    let s = Server::seeded("roles-token").await;
    let mut seen_ok = 0;
    for uri in READS {
        let r = s.call("GET", uri, Some(&s.acme), None).await;
        assert!(
            matches!(
                r.status,
                StatusCode::OK
                    | StatusCode::FORBIDDEN
                    | StatusCode::SEE_OTHER
                    | StatusCode::NOT_FOUND
            ),
            "{uri}: {}",
            r.status
        );
        if let Some(w) = leaks(&r.body) {
            panic!("{uri} ({}) shows {w:?} to acme: {}", r.status, r.body);
        }
        seen_ok += usize::from(r.status == StatusCode::OK);
    }
    assert!(seen_ok >= 6, "the provider still reads its own data");
    // Its own data is all there.
    let r = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-02&by=week&group=provider",
            Some(&s.acme),
            None,
        )
        .await;
    let rows = r.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["provider"].as_str(), rows[0]["offered"].as_i64()),
        (Some("acme"), Some(80))
    );
    // And the other way round.
    let r = s
        .call("GET", "/api/v1/providers", Some(&s.zenith), None)
        .await;
    assert_eq!(r.body, r#"{"items":["zenith"]}"#);
    // Naming another provider is refused outright.
    let r = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-02&provider=zenith",
            Some(&s.acme),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_provider_cannot_write_another_providers_records() {
    let s = Server::seeded("roles-write").await;
    let before = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-02&by=week&provider=zenith",
            Some(&s.admin),
            None,
        )
        .await
        .json();
    // Overwriting zenith's record z1 with a newer version, and adding a new one, from acme's token.
    let mut takeover = contact(
        "zenith",
        "z1",
        "billing",
        "voice",
        "2026-10-01T08:00:00Z",
        500,
        false,
    );
    takeover["updated_at"] = "2026-10-05T00:00:00Z".into();
    let body = serde_json::json!([
        contact(
            "acme",
            "ok1",
            "billing",
            "voice",
            "2026-10-01T08:00:00Z",
            1,
            true
        ),
        takeover
    ])
    .to_string();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.acme), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["invalid"][0]["index"], 1);
    assert_eq!(r.json()["error"]["invalid"][0]["field"], "provider");
    let after = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-02&by=week&provider=zenith",
            Some(&s.admin),
            None,
        )
        .await
        .json();
    assert_eq!(before, after, "nothing of zenith changed");
    // Hours too.
    let hours = "provider,queue,period_start,staffed_s,productive_s,scheduled_s\nzenith,tech,2026-10-01T08:00:00Z,900,900,900\n";
    let r = s
        .call("POST", "/api/v1/hours", Some(&s.acme), Some(hours))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["invalid"][0]["field"], "provider");
    // Records without a provider are the caller's own.
    let mut own = contact(
        "acme",
        "ok2",
        "billing",
        "voice",
        "2026-10-01T08:00:00Z",
        1,
        true,
    );
    own.as_object_mut().unwrap().remove("provider");
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.acme),
            Some(&format!("[{own}]")),
        )
        .await;
    assert_eq!(r.json()["inserted"], 1, "{}", r.body);
}

#[tokio::test]
async fn a_provider_account_sees_only_its_own_pages() {
    let s = Server::seeded("roles-pages").await;
    let sid = s
        .login("ana-acme", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    for uri in READS {
        let r = s.page(uri, &sid).await;
        if let Some(w) = leaks(&r.body) {
            panic!(
                "{uri} ({}) shows {w:?} to acme's person: {}",
                r.status, r.body
            );
        }
    }
    let r = s
        .page("/providers/zenith?from=2026-10-01&to=2026-10-02", &sid)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .page("/overview?from=2026-10-01&to=2026-10-02", &sid)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/providers/acme"));
    // An analyst sees both (the matrix is about scope, not about hiding data from everyone).
    let r = s
        .call(
            "GET",
            "/overview?from=2026-10-01&to=2026-10-02",
            Some(&s.analyst),
            None,
        )
        .await;
    assert!(r.body.contains("zenith") && r.body.contains("acme"));
}

#[tokio::test]
async fn routing_and_transitions_by_role() {
    let s = Server::seeded("roles-routing").await;
    let id = crate::transitions::add_transition(&s);
    relevo_server::routing::invalidate(&s.state);
    let route = r#"{"queue":"billing","channel":"voice","customer":"c-1"}"#;
    let hold = r#"{"reason":"checking"}"#;
    // (token, may route and operate, may read transitions)
    for (token, manage, read) in [
        (&s.admin, true, true),
        (&s.manager, true, true),
        (&s.analyst, false, true),
        (&s.acme, false, false),
        (&s.zenith, false, false),
    ] {
        let r = s
            .call("POST", "/api/v1/route", Some(token), Some(route))
            .await;
        assert_eq!(r.status == StatusCode::OK, manage, "route: {}", r.body);
        for uri in [
            "/api/v1/transitions".to_string(),
            format!("/api/v1/transitions/{id}"),
            format!("/api/v1/transitions/{id}/decisions"),
        ] {
            let r = s.call("GET", &uri, Some(token), None).await;
            assert_eq!(r.status == StatusCode::OK, read, "{uri}: {}", r.body);
            if !read {
                assert!(
                    !r.body.contains("acme") && !r.body.contains("zenith"),
                    "{}",
                    r.body
                );
            }
        }
        let r = s
            .call(
                "POST",
                &format!("/api/v1/transitions/{id}/hold"),
                Some(token),
                Some(hold),
            )
            .await;
        if manage {
            assert!(
                matches!(r.status, StatusCode::OK | StatusCode::CONFLICT),
                "{}",
                r.body
            );
        } else {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        }
        for uri in ["/transitions".to_string(), format!("/transitions/{id}")] {
            let r = s.call("GET", &uri, Some(token), None).await;
            assert_eq!(r.status == StatusCode::OK, read, "{uri}: {}", r.status);
            if !read {
                assert!(!r.body.contains("zenith"), "{}", r.body);
            }
        }
    }
    // Without a token nothing answers.
    let r = s.call("POST", "/api/v1/route", None, Some(route)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
