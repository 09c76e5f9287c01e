//! Routing and transitions over the API: `POST /api/v1/route` follows a transition's phases with a
//! counted split and sticky customers, its state and counts survive a restart; the transition
//! resources and people's operations (audited); the background evaluation at a given boundary.

use crate::support::{NOW_MS, Server};
use axum::http::StatusCode;
use relevo_store::NewTransition;

/// billing/voice from acme to zenith; zenith's seeded service level is far below the guardrail.
pub const PLAN: &str = r#"
name = "billing to zenith"
queue = "billing"
channels = ["voice"]
from = "acme"
to = "zenith"
[[phases]]
name = "pilot"
share = 0.25
[[phases]]
name = "half"
share = 0.5
[gate]
window = "1d"
min_volume = 10
guardrails = [{ kpi = "service_level", min = 0.8 }]
"#;

/// 2026-10-01T00:00:00Z: before the seeded contacts.
pub const CREATED_MS: i64 = NOW_MS - 2 * 86_400_000 - 12 * 3_600_000;

/// Stores the plan as transition 1, created at `CREATED_MS`.
pub fn add_transition(s: &Server) -> i64 {
    add_plan(s, PLAN)
}

/// Stores a plan text, created at `CREATED_MS`.
pub fn add_plan(s: &Server, plan: &str) -> i64 {
    let mut store = relevo_store::open(&s.state.config().db).unwrap();
    let state = relevo_transitions::State::new(CREATED_MS);
    store
        .create_transition(
            &NewTransition {
                name: "billing to zenith",
                queue: "billing",
                from_provider: "acme",
                to_provider: "zenith",
                plan,
                state: &serde_json::to_string(&state).unwrap(),
            },
            "test",
            CREATED_MS,
        )
        .unwrap()
}

fn route_body(customer: Option<&str>, at: Option<&str>) -> String {
    let mut v = serde_json::json!({"queue": "billing", "channel": "voice"});
    if let Some(c) = customer {
        v["customer"] = c.into();
    }
    if let Some(a) = at {
        v["at"] = a.into();
    }
    v.to_string()
}

#[tokio::test]
async fn route_follows_the_transition_and_persists_across_a_restart() {
    let s = Server::seeded("route").await;
    // No transition yet: nothing routes billing.
    let r = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(None, None)),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let id = add_transition(&s);
    // Created by another process: noticed within a second, or at once when told (the clock is fixed).
    relevo_server::routing::invalidate(&s.state);
    // At the baseline everything goes to acme.
    let r = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(None, None)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.json();
    assert_eq!(
        (
            d["provider"].as_str(),
            d["reason"].as_str(),
            d["transition"].as_i64()
        ),
        (Some("acme"), Some("only_option"), Some(id))
    );
    assert_eq!(d["phase"]["name"], "baseline");
    // A person advances to the pilot (25 %): the split is counted, exactly 25 of 100.
    let r = s
        .call(
            "POST",
            &format!("/api/v1/transitions/{id}/advance"),
            Some(&s.manager),
            Some(r#"{"reason": "pilot approved"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["phase_name"], "pilot");
    let mut zenith = 0;
    for k in 0..100 {
        let at = jiff::Timestamp::from_millisecond(NOW_MS + k * 1000)
            .unwrap()
            .to_string();
        let d = s
            .call(
                "POST",
                "/api/v1/route",
                Some(&s.admin),
                Some(&route_body(None, Some(&at))),
            )
            .await
            .json();
        assert_eq!(d["phase"]["name"], "pilot", "{d}");
        zenith += usize::from(d["provider"] == "zenith");
    }
    assert_eq!(zenith, 25);
    // The audit: per hour, the actual share next to the target.
    let a = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}/decisions"),
            Some(&s.analyst),
            None,
        )
        .await
        .json();
    let pilot = a["hours"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["phase"] == "pilot")
        .unwrap_or_else(|| panic!("{a}"));
    assert_eq!(
        (pilot["hour"].as_str(), pilot["decisions"].as_i64()),
        (Some("2026-10-03T12:00:00Z"), Some(100))
    );
    let z = pilot["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "zenith")
        .unwrap();
    assert_eq!(
        (
            z["decisions"].as_i64(),
            z["share"].as_f64(),
            z["target"].as_f64()
        ),
        (Some(25), Some(0.25), Some(0.25))
    );
    assert_eq!(z["reasons"]["share"], 25);
    // A returning customer stays with its provider.
    let first = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(Some("cust-42"), None)),
        )
        .await
        .json();
    let again = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(Some("cust-42"), None)),
        )
        .await
        .json();
    assert_eq!(again["provider"], first["provider"]);
    assert_eq!(again["reason"], "sticky");
    // Restart: flush, then a new server state on the same database.
    relevo_server::routing::flush(&s.state).unwrap();
    let store = relevo_store::open(&s.state.config().db).unwrap();
    let counts = store.routing_counts(id).unwrap();
    let routed: i64 = counts.iter().map(|c| c.count).sum();
    assert_eq!(routed, 103);
    let to_zenith: i64 = counts
        .iter()
        .filter(|c| c.provider == "zenith" && c.phase_name == "pilot")
        .map(|c| c.count)
        .sum();
    assert!((25..=27).contains(&to_zenith), "{to_zenith}");
    drop(store);
    let restarted = s.restarted();
    let d = restarted
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(Some("cust-42"), None)),
        )
        .await
        .json();
    assert_eq!(
        (d["provider"].clone(), d["reason"].as_str()),
        (first["provider"].clone(), Some("sticky"))
    );
    // The same inputs and state give the same decision.
    relevo_server::routing::flush(&restarted.state).unwrap();
    let snapshot = restarted.restarted();
    let a = restarted
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(Some("cust-7"), None)),
        )
        .await
        .json();
    let b = snapshot
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(&route_body(Some("cust-7"), None)),
        )
        .await
        .json();
    assert_eq!(a, b);
    // Bad input names the field.
    let r = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(r#"{"queue":"billing","channel":"fax"}"#),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("channel"))
    );
    // Roles: analysts and providers may not route.
    for token in [&s.analyst, &s.acme] {
        let r = s
            .call(
                "POST",
                "/api/v1/route",
                Some(token),
                Some(&route_body(None, None)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn transition_resources_and_operations_are_audited() {
    let s = Server::seeded("transitions-api").await;
    let id = add_transition(&s);
    let list = s
        .call("GET", "/api/v1/transitions", Some(&s.analyst), None)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["items"][0]["name"], "billing to zenith");
    let r = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.analyst),
            None,
        )
        .await;
    let t = r.json();
    assert_eq!(
        (t["phase"].as_i64(), t["status"].as_str()),
        (Some(0), Some("running"))
    );
    // The guardrails measured now: zenith's service level on billing over the last day.
    let check = &t["guardrails"]["checks"][0];
    assert_eq!(
        (check["kpi"].as_str(), check["status"].as_str()),
        (Some("service_level"), Some("fail"))
    );
    assert_eq!(check["threshold"], 0.8);
    assert_eq!(t["phases"].as_array().unwrap().len(), 3);
    // Operations: analysts may not; managers may, with a reason.
    let op = |what: &str| format!("/api/v1/transitions/{id}/{what}");
    let r = s
        .call(
            "POST",
            &op("hold"),
            Some(&s.analyst),
            Some(r#"{"reason":"x"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .call(
            "POST",
            &op("hold"),
            Some(&s.manager),
            Some(r#"{"reason":""}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Load the routers before the changes (the clock is fixed: only the server's own changes
    // make it re-read the transitions).
    relevo_server::routing::invalidate(&s.state);
    let d = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(r#"{"queue":"billing","channel":"voice"}"#),
        )
        .await
        .json();
    assert_eq!(d["phase"]["name"], "baseline");
    for (what, body, phase) in [
        ("advance", r#"{"reason":"go"}"#, 1),
        ("hold", r#"{"reason":"training"}"#, 1),
        ("resume", r#"{"reason":"trained"}"#, 1),
        ("advance", r#"{"reason":"next"}"#, 2),
        ("rollback", r#"{"reason":"errors","full":true}"#, 0),
    ] {
        let r = s
            .call("POST", &op(what), Some(&s.manager), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
        assert_eq!(r.json()["phase"], phase, "{what}");
        if what == "advance" && phase == 2 {
            let d = s
                .call(
                    "POST",
                    "/api/v1/route",
                    Some(&s.manager),
                    Some(r#"{"queue":"billing","channel":"voice"}"#),
                )
                .await
                .json();
            assert_eq!(d["phase"]["name"], "half", "{d}");
        }
    }
    // Routing follows the rollback at once (the server re-reads the transition it changed).
    let d = s
        .call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(r#"{"queue":"billing","channel":"voice","customer":"c-9"}"#),
        )
        .await
        .json();
    assert_eq!(
        (
            d["provider"].as_str(),
            d["reason"].as_str(),
            d["phase"]["name"].as_str()
        ),
        (Some("acme"), Some("only_option"), Some("baseline")),
        "{d}"
    );
    // A resume when nothing is held or rolled back is refused.
    let r = s
        .call(
            "POST",
            &op("resume"),
            Some(&s.manager),
            Some(r#"{"reason":"again"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = s
        .call(
            "POST",
            &op("resume"),
            Some(&s.manager),
            Some(r#"{"reason":"again"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = s
        .call(
            "POST",
            "/api/v1/transitions/99/hold",
            Some(&s.manager),
            Some(r#"{"reason":"x"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let audit = s
        .call("GET", "/api/v1/audit?limit=200", Some(&s.admin), None)
        .await
        .json();
    let actions: Vec<String> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["target"] == format!("transition:{id}"))
        .map(|a| {
            format!(
                "{} {}",
                a["actor"].as_str().unwrap(),
                a["action"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "transition.advance",
        "transition.hold",
        "transition.resume",
        "transition.rollback",
        "transition.rolled_back",
    ] {
        assert!(
            actions
                .iter()
                .any(|a| a.ends_with(want) && a.starts_with("token:")),
            "{want}: {actions:?}"
        );
    }
    let t = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.admin),
            None,
        )
        .await
        .json();
    assert_eq!(t["timeline"].as_array().unwrap().len(), 3);
    assert!(t["events"].as_array().unwrap().len() >= 6);
}

#[tokio::test]
async fn the_background_evaluation_runs_at_a_boundary_once() {
    let s = Server::seeded("transitions-tick").await;
    let id = add_transition(&s);
    let boundary = relevo_server::transitions_api::next_boundary(NOW_MS - 1);
    assert_eq!(boundary, NOW_MS);
    assert_eq!(
        relevo_server::transitions_api::evaluate_due(&s.state, boundary).unwrap(),
        1
    );
    let t = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.admin),
            None,
        )
        .await
        .json();
    let kinds: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["gate_failed", "held"]);
    assert_eq!(t["last_gate"]["status"], "fail");
    assert_eq!(t["last_evaluated"], "2026-10-03T12:00:00Z");
    // The same boundary again (a restart, or a second server) changes nothing.
    relevo_server::transitions_api::evaluate_due(&s.state, boundary).unwrap();
    let again = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.admin),
            None,
        )
        .await
        .json();
    assert_eq!(again["events"].as_array().unwrap().len(), 2);
    // The next boundary evaluates again: still failing, no new events.
    relevo_server::transitions_api::evaluate_due(&s.state, boundary + 900_000).unwrap();
    let next = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.admin),
            None,
        )
        .await
        .json();
    assert_eq!(next["last_evaluated"], "2026-10-03T12:15:00Z");
    let audit = s
        .call("GET", "/api/v1/audit?limit=50", Some(&s.admin), None)
        .await
        .json();
    let evaluations = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "transition.evaluate" && a["actor"] == "guardrail")
        .count();
    assert_eq!(evaluations, 2);
    assert!(
        s.log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("msg=\"transition evaluated\""))
    );
}

#[tokio::test]
async fn the_transition_page_shows_timeline_shares_guardrails_and_history_in_both_languages() {
    let s = Server::seeded("transitions-page").await;
    let id = add_transition(&s);
    let sid = s
        .login("ana", crate::support::PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    // Linked from the navigation, listed, and the detail page.
    let r = s.page("/overview", &sid).await;
    assert!(r.body.contains("href=\"/transitions\""));
    let r = s.page("/transitions", &sid).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("href=\"/transitions/{id}\""))
            && r.body.contains("billing to zenith")
    );
    // The baseline's gate fails (zenith's service level), then a person starts the pilot anyway.
    relevo_server::transitions_api::evaluate_due(&s.state, NOW_MS).unwrap();
    let r = s.page(&format!("/transitions/{id}"), &sid).await;
    assert!(r.body.contains("▼ <strong>fail</strong>"), "{}", r.body);
    s.call(
        "POST",
        &format!("/api/v1/transitions/{id}/advance"),
        Some(&s.manager),
        Some(r#"{"reason":"pilot"}"#),
    )
    .await;
    relevo_server::routing::invalidate(&s.state);
    for _ in 0..8 {
        s.call(
            "POST",
            "/api/v1/route",
            Some(&s.manager),
            Some(r#"{"queue":"billing","channel":"voice"}"#),
        )
        .await;
    }
    relevo_server::transitions_api::evaluate_due(&s.state, NOW_MS + 900_000).unwrap();
    let r = s.page(&format!("/transitions/{id}"), &sid).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    for want in [
        "id=\"timeline-chart\"",
        "<title id=\"timeline-chart-t\">The incoming provider&#39;s target share over time</title>",
        "id=\"timeline-chart-narrow\"",
        "aria-current=\"step\"",
        "id=\"shares\"",
        "id=\"guardrails\"",
        "<th scope=\"row\">Service level</th>",
        "… not enough volume",
        "id=\"events\"",
        "gate failed",
        "The gate failed: Service level 0.0 % ≥ 80.0 %: fail (volume 24)",
        "pilot",
    ] {
        assert!(b.contains(want), "{want} missing: {b}");
    }
    // Routed shares in the current phase: 6 of 8 to acme, 2 to zenith.
    assert!(b.contains("75.0 % (6)") || b.contains("75 % (6)"), "{b}");
    let r = s.page(&format!("/transitions/{id}?lang=es"), &sid).await;
    assert!(
        r.body.contains("Cronología de fases")
            && r.body.contains("Salvaguardas")
            && r.body.contains("<th scope=\"row\">Nivel de servicio</th>")
            && r.body.contains("puerta no superada")
            && r.body.contains("salvaguarda")
            && !r.body.contains("service_level")
            && !r.body.contains("gate failed"),
        "{}",
        r.body
    );
    let r = s.page("/transitions/99", &sid).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_background_evaluation_sends_signed_webhooks_and_retries_when_the_receiver_is_down() {
    use std::io::{Read, Write};
    let s = Server::seeded("transitions-webhook").await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let plan = format!(
        "{PLAN}\n[webhook]\nurl = \"http://127.0.0.1:{port}/hooks/relevo\"\nsecret = \"s3cret\"\n"
    );
    let id = add_plan(&s, &plan);
    // The receiver answers 503 to the first request and 200 to the rest.
    let receiver = std::thread::spawn(move || {
        let mut got = Vec::new();
        for k in 0..3 {
            let (mut c, _) = listener.accept().unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = c.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some(i) = text.find("\r\n\r\n") {
                    let len: usize = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap();
                    if buf.len() >= i + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let status = if k == 0 {
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            c.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes())
                .unwrap();
            got.push(String::from_utf8(buf).unwrap());
        }
        got
    });
    let st = s.state.clone();
    tokio::task::spawn_blocking(move || {
        relevo_server::transitions_api::evaluate_due(&st, NOW_MS).unwrap()
    })
    .await
    .unwrap();
    assert!(
        s.log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("webhook not delivered"))
    );
    // The next change retries, in order: both events arrive.
    let st = s.state.clone();
    tokio::task::spawn_blocking(move || {
        relevo_server::transitions_api::evaluate_due(&st, NOW_MS + 900_000).unwrap()
    })
    .await
    .unwrap();
    let got = receiver.join().unwrap();
    let kinds: Vec<&str> = got
        .iter()
        .map(|r| {
            r.lines()
                .find_map(|l| l.strip_prefix("X-Relevo-Event: "))
                .unwrap()
        })
        .collect();
    assert_eq!(kinds, ["gate_failed", "gate_failed", "held"]);
    for r in &got {
        let (head, body) = r.split_once("\r\n\r\n").unwrap();
        let sig = head
            .lines()
            .find_map(|l| l.strip_prefix("X-Relevo-Signature: "))
            .unwrap();
        assert!(
            relevo_transitions::webhook::verify(b"s3cret", body.as_bytes(), sig),
            "{r}"
        );
    }
    let t = s
        .call(
            "GET",
            &format!("/api/v1/transitions/{id}"),
            Some(&s.admin),
            None,
        )
        .await
        .json();
    assert!(
        t["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["delivered_at"].is_string()),
        "{t}"
    );
}
