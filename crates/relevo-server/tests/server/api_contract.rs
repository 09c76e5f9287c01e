//! The API contract: what the OpenAPI document promises is what the server does. Each behaviour
//! that schemathesis (`.ci/schemathesis.sh`) found apart from the document is pinned here.

use crate::support::{Server, contact};
use axum::http::StatusCode;

fn record_with(field: &str, value: serde_json::Value) -> String {
    let mut c = contact(
        "acme",
        "typed-1",
        "billing",
        "voice",
        "2026-10-01T09:00:00Z",
        10,
        true,
    );
    c[field] = value;
    serde_json::json!([c]).to_string()
}

#[tokio::test]
async fn contact_fields_have_their_json_types() {
    let s = Server::new("typed");
    for (field, value) in [
        ("csat", serde_json::json!("5")),
        ("csat", serde_json::json!(4.5)),
        ("resolved", serde_json::json!("yes")),
        ("talk_s", serde_json::json!("180")),
        ("contact_id", serde_json::json!(7)),
        ("updated_at", serde_json::json!("")),
        ("channel", serde_json::json!(" ")),
    ] {
        let body = record_with(field, value.clone());
        let r = s
            .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert_eq!(
            r.json()["error"]["invalid"][0]["field"],
            field,
            "{field}={value}: {}",
            r.body
        );
    }
    // JSON Schema's integers include 5.0; null is an empty field.
    for (field, value) in [
        ("csat", serde_json::json!(5.0)),
        ("updated_at", serde_json::Value::Null),
        ("agent", serde_json::Value::Null),
    ] {
        let body = record_with(field, value.clone());
        let r = s
            .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{field}={value}: {}", r.body);
    }
}

#[tokio::test]
async fn a_user_name_taken_twice_is_a_conflict() {
    let s = Server::new("user-twice");
    let body = r#"{"name":"maria","password":"long enough pw","role":"manager"}"#;
    let r = s
        .call("POST", "/api/v1/users", Some(&s.admin), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = s
        .call("POST", "/api/v1/users", Some(&s.admin), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn token_expiry_is_a_whole_number_of_days_up_to_a_century() {
    let s = Server::new("token-days");
    for (days, status) in [
        ("30.0", StatusCode::CREATED),
        ("null", StatusCode::CREATED),
        ("36500", StatusCode::CREATED),
        ("36501", StatusCode::BAD_REQUEST),
        ("1.5", StatusCode::BAD_REQUEST),
        ("-1", StatusCode::BAD_REQUEST),
    ] {
        let body = format!(r#"{{"name":"t","role":"analyst","expires_in_days":{days}}}"#);
        let r = s
            .call("POST", "/api/v1/tokens", Some(&s.admin), Some(&body))
            .await;
        assert_eq!(r.status, status, "{days}: {}", r.body);
        if status == StatusCode::BAD_REQUEST {
            assert_eq!(r.json()["error"]["field"], "expires_in_days", "{days}");
        } else {
            // The expiry is a time the document's format describes.
            let at = r.json()["expires_at"].as_str().unwrap().to_string();
            assert!(at.parse::<jiff::Timestamp>().is_ok(), "{days}: {at}");
        }
    }
}

#[tokio::test]
async fn a_plan_outside_its_history_is_a_conflict() {
    // The seeded history of billing: 2026-10-01 and 2026-10-02.
    let s = Server::seeded("plan-history").await;
    for (from, to) in [
        ("2026-09-01", "2026-09-02"),
        ("2026-10-01", "2026-10-01"),
        ("2028-01-01", "2028-01-02"),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/v1/plan?queue=billing&from={from}&to={to}"),
                Some(&s.analyst),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{from}..{to}: {}", r.body);
    }
    // One answer plans at most 31 days: a longer span is refused on `to`, whatever the history.
    // (31 days pass that check and meet the next: two days of history are too few to forecast.)
    for (to, status) in [
        ("2026-12-01", StatusCode::CONFLICT),
        ("2026-12-02", StatusCode::BAD_REQUEST),
        ("2199-12-31", StatusCode::BAD_REQUEST),
    ] {
        let r = s
            .call(
                "GET",
                &format!("/api/v1/plan?queue=billing&from=2026-11-01&to={to}"),
                Some(&s.analyst),
                None,
            )
            .await;
        assert_eq!(r.status, status, "2026-11-01..{to}: {}", r.body);
        if status == StatusCode::BAD_REQUEST {
            assert_eq!(r.json()["error"]["field"], "to", "{}", r.body);
        }
    }
}

#[tokio::test]
async fn the_document_types_what_it_describes() {
    let s = Server::new("document");
    let doc = s
        .call("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    let record = &doc["components"]["schemas"]["ContactRecord"]["properties"];
    assert_eq!(
        record["csat"],
        serde_json::json!({"type": ["integer", "null"], "minimum": 1, "maximum": 5})
    );
    assert_eq!(record["channel"]["enum"].as_array().unwrap().len(), 6);
    assert_eq!(record["arrived_at"]["format"], "date-time");
    assert_eq!(
        record["contact_id"]["type"], "string",
        "required: never null"
    );
    for op in ["advance", "hold", "rollback", "resume"] {
        let responses =
            &doc["paths"][format!("/api/v1/transitions/{{id}}/{op}")]["post"]["responses"];
        for status in ["404", "409", "413", "503"] {
            assert!(responses[status].is_object(), "{op} {status}");
        }
    }
    let plan = &doc["paths"]["/api/v1/plan"]["get"];
    assert!(plan["responses"]["409"].is_object() && plan["responses"]["404"].is_object());
    // Every parameter says what it takes beyond "a string".
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().unwrap() {
                // A list of queue keys is any text: a key that names no queue is a 404.
                if p["name"] == "queue" && path == "/api/v1/kpis" {
                    continue;
                }
                let schema = &p["schema"];
                assert_ne!(
                    schema,
                    &serde_json::json!({"type": "string"}),
                    "{method} {path} {}",
                    p["name"]
                );
            }
        }
    }
    // Every object an answer holds names its fields (or what each value is), and every field
    // has a type: no answer is a loose object.
    fn loose(v: &serde_json::Value, at: &str, found: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                let is_object = match m.get("type") {
                    Some(serde_json::Value::String(t)) => t == "object",
                    Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "object"),
                    _ => false,
                };
                let says = ["properties", "additionalProperties", "oneOf"]
                    .iter()
                    .any(|k| m.contains_key(*k));
                // The document's own answer holds the whole OpenAPI structure.
                if is_object && !says && !at.contains("/api/v1/openapi.json/") {
                    found.push(at.to_owned());
                }
                for (k, x) in m {
                    loose(x, &format!("{at}/{k}"), found);
                }
            }
            serde_json::Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    loose(x, &format!("{at}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    loose(&doc["components"]["schemas"], "components", &mut found);
    loose(&doc["paths"], "paths", &mut found);
    assert!(found.is_empty(), "loose objects: {found:?}");
    let transition = &doc["components"]["schemas"]["Transition"];
    assert!(
        transition["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "guardrails")
    );
    assert_eq!(
        doc["components"]["schemas"]["Scorecard"]["properties"]["fees"]["pattern"],
        "^-?[0-9]+\\.[0-9]{2}$"
    );
    // Each zone the document lists is one the server takes.
    let zones = doc["components"]["schemas"]["TimeZone"]["enum"]
        .as_array()
        .unwrap();
    assert!(zones.iter().any(|z| z == "Europe/Madrid"));
    for z in zones {
        assert!(jiff::tz::TimeZone::get(z.as_str().unwrap()).is_ok(), "{z}");
    }
}
