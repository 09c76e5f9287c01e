//! Router tests for every API endpoint: status codes, bodies, validation, idempotent re-sending,
//! limits, and error bodies that name the field.

use crate::support::{Server, contact};
use axum::http::StatusCode;
use expect_test::expect;

fn rows(v: &serde_json::Value, cols: &[&str]) -> String {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            cols.iter()
                .map(|c| match &r[*c] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "null".into(),
                    serde_json::Value::Number(n) => {
                        let f = n.as_f64().unwrap();
                        if f.fract() == 0.0 {
                            format!("{f}")
                        } else {
                            format!("{f:.3}")
                        }
                    }
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        })
        .collect()
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let s = Server::new("health");
    let r = s.call("GET", "/healthz", None, None).await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let r = s.call("GET", "/metrics", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(
            "relevo_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("relevo_contacts_total{result=\"inserted\"} 0")
    );
    let r = s.call("GET", "/api/v1/openapi.json", None, None).await;
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for route in relevo_server::openapi::ROUTES {
        assert!(
            doc["paths"][route.path][route.method].is_object(),
            "{} {} is not documented",
            route.method,
            route.path
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/kpis"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .len(),
        16
    );
    // The request log is structured: one key=value line per request.
    let log = s.log.lock().unwrap();
    assert!(
        log.iter()
            .any(|l| l.contains("msg=request method=GET path=/healthz route=/healthz status=200")),
        "{log:?}"
    );
}

#[tokio::test]
async fn contacts_are_atomic_and_resending_is_harmless() {
    let s = Server::new("contacts");
    let batch = serde_json::json!([
        contact(
            "acme",
            "c1",
            "billing",
            "voice",
            "2026-10-01T09:00:00Z",
            10,
            true
        ),
        contact(
            "acme",
            "c2",
            "billing",
            "voice",
            "2026-10-01T09:01:00Z",
            40,
            false
        ),
    ])
    .to_string();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&batch))
        .await;
    expect![[r#"{"received":2,"inserted":2,"replaced":0,"ignored":0}"#]].assert_eq(&r.body);
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&batch))
        .await;
    expect![[r#"{"received":2,"inserted":0,"replaced":0,"ignored":2}"#]].assert_eq(&r.body);
    // A later version (a survey arriving days after) replaces; JSON lines work too.
    let mut newer = contact(
        "acme",
        "c1",
        "billing",
        "voice",
        "2026-10-01T09:00:00Z",
        10,
        true,
    );
    newer["csat"] = 2.into();
    newer["updated_at"] = "2026-10-03T08:00:00Z".into();
    let ndjson = format!(
        "{newer}\n{}\n",
        contact(
            "acme",
            "c3",
            "billing",
            "chat",
            "2026-10-01T09:02:00Z",
            5,
            true
        )
    );
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.manager), Some(&ndjson))
        .await;
    expect![[r#"{"received":2,"inserted":1,"replaced":1,"ignored":0}"#]].assert_eq(&r.body);

    // One bad record: 422 listing it, nothing written.
    let mut bad = contact(
        "acme",
        "c9",
        "billing",
        "voice",
        "2026-10-01T09:00:00Z",
        10,
        true,
    );
    bad["csat"] = 7.into();
    let mut unknown = contact(
        "acme",
        "c10",
        "billing",
        "voice",
        "2026-10-01T09:00:00Z",
        10,
        true,
    );
    unknown["sentiment"] = "happy".into();
    let body = serde_json::json!([
        contact(
            "acme",
            "c8",
            "billing",
            "voice",
            "2026-10-01T10:00:00Z",
            1,
            true
        ),
        bad,
        unknown
    ])
    .to_string();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    expect![[r#"{"error":{"status":422,"message":"2 invalid records: nothing was written","invalid":[{"index":1,"field":"csat","value":"7","reason":"7 is outside 1–5"},{"index":2,"field":"sentiment","reason":"unknown field (not canonical)"}]}}"#]].assert_eq(&r.body);
    let k = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=day&blend_channels=true",
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(
        k.json()["rows"][0]["offered"],
        3,
        "the bad batch wrote nothing"
    );
    assert_eq!(k.json()["rows"][0]["channel"], serde_json::Value::Null);
    // Without blend_channels, rows are per channel (as `relevo report`'s), whatever the grouping.
    let k = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=day",
            Some(&s.admin),
            None,
        )
        .await;
    let rows = k.json()["rows"].as_array().unwrap().clone();
    let per: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["channel"].as_str().unwrap_or_default().to_string(),
                r["offered"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per, [("voice".to_string(), 2), ("chat".to_string(), 1)]);

    // Body-level problems are 400s naming the place; limits are enforced.
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.admin),
            Some("[{\"contact_id\": ]"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed JSON array"),
        "{}",
        r.body
    );
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some("[]"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let many: Vec<_> = (0..1_001)
        .map(|i| {
            contact(
                "acme",
                &format!("m{i}"),
                "q",
                "voice",
                "2026-10-01T09:00:00Z",
                1,
                true,
            )
        })
        .collect();
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.admin),
            Some(&serde_json::to_string(&many).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    expect![[
        r#"{"error":{"status":400,"message":"too many records: at most 1000 in one request"}}"#
    ]]
    .assert_eq(&r.body);
    let huge = format!("[{}]", "1,".repeat(600_000));
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&huge))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);

    // Keys are short and sums bounded: a long queue name (it once crashed the server's reports)
    // and a talk time that overflowed the cube's sums are refused, quoting little of the value.
    let long_queue = contact(
        "acme",
        "long",
        &"q".repeat(100_000),
        "voice",
        "2026-10-01T09:00:00Z",
        1,
        true,
    );
    let mut long_talk = contact(
        "acme",
        "talk",
        "q",
        "voice",
        "2026-10-01T09:00:00Z",
        1,
        true,
    );
    long_talk["talk_s"] = serde_json::json!(9_000_000_000_000_000_i64);
    let body = serde_json::to_string(&[long_queue, long_talk]).unwrap();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.len() < 1_000, "{} bytes", r.body.len());
    let invalid = &r.json()["error"]["invalid"];
    assert_eq!(invalid[0]["field"], "queue", "{}", r.body);
    assert_eq!(
        invalid[0]["reason"], "is 100000 bytes long; at most 128 are allowed",
        "{}",
        r.body
    );
    assert_eq!(invalid[1]["field"], "talk_s", "{}", r.body);

    // Who may push.
    let r = s.call("POST", "/api/v1/contacts", None, Some(&batch)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some("rlv_not-a-token"),
            Some(&batch),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.analyst), Some(&batch))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let m = s.call("GET", "/metrics", None, None).await;
    assert!(
        m.body
            .contains("relevo_contacts_total{result=\"inserted\"} 3"),
        "{}",
        m.body
    );
    assert!(m.body.contains("relevo_contact_batches_rejected_total 2"));
}

#[tokio::test]
async fn kpis_take_the_report_options() {
    let s = Server::seeded("kpis").await;
    let r = s
        .call("GET", "/api/v1/kpis?from=2026-10-01&to=2026-10-02&by=week&group=provider,queue&tz=Europe/Madrid&as_of=2026-10-20", Some(&s.analyst), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    expect![[r#"
        2026-09-28T00:00:00+02:00 acme billing 80 80 0 1 10 0 200 1
        2026-09-28T00:00:00+02:00 zenith billing 80 60 20 0 45 0.250 200 1
        2026-09-28T00:00:00+02:00 zenith tech 80 80 0 0 90 0 200 1
    "#]]
    .assert_eq(&rows(
        &r.json(),
        &[
            "period_start",
            "provider",
            "queue",
            "offered",
            "answered",
            "abandoned",
            "service_level",
            "asa_s",
            "abandon_rate",
            "aht_s",
            "fcr",
        ],
    ));
    let r = s
        .call("GET", "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=day&group=channel&channel=chat&sl_threshold=120&format=csv&fcr_window_days=0", Some(&s.manager), None)
        .await;
    assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
    expect![[r#"
        period_start,provider,queue,channel,offered,answered,abandoned,short_abandoned,flowout,answered_within_t,abandoned_within_t,service_level,asa_s,abandon_rate,aht_s,talk_s,hold_s,acw_s,p90_answer_s,transfer_rate,csat_responses,csat_top2,csat_mean,nps_responses,nps,qa_mean,fcr
        2026-10-01T00:00:00+00:00,,,chat,40,40,0,0,0,40,0,1,90,0,200,180,0,20,90,0,40,1,5,40,100,,
    "#]]
    .assert_eq(&r.body);
    // Parameter problems name the parameter.
    for (q, field) in [
        ("from=2026-10-01&to=2026-10-02&colour=red", "colour"),
        ("from=2026-10-01&to=2026-10-02&tz=Mars/Olympus", "tz"),
        ("from=yesterday&to=2026-10-02", "from"),
        (
            "from=2026-10-01&to=2026-10-02&sl_threshold=ten",
            "sl_threshold",
        ),
        ("from=2026-10-01&to=2026-10-02&group=agent", "group"),
        ("from=2026-10-01&to=2026-10-02&format=xml", "format"),
        ("to=2026-10-02", "from"),
    ] {
        let r = s
            .call("GET", &format!("/api/v1/kpis?{q}"), Some(&s.admin), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
        assert_eq!(r.json()["error"]["field"], field, "{q}: {}", r.body);
    }
}

#[tokio::test]
async fn kpi_filters_that_name_no_data_are_not_found_naming_what_is_known() {
    let s = Server::seeded("kpi-filters").await;
    for (q, says) in [
        (
            "provider=nosuch",
            "unknown provider \"nosuch\" (providers with data: acme, zenith)",
        ),
        (
            "queue=nosuch",
            "unknown queue \"nosuch\" (queues with data: billing, tech)",
        ),
        (
            "channel=email",
            "no data on channel email (channels with data: chat, voice)",
        ),
    ] {
        let url = format!("/api/v1/kpis?from=2026-10-01&to=2026-10-02&{q}");
        let r = s.call("GET", &url, Some(&s.analyst), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}: {}", r.body);
        assert_eq!(r.json()["error"]["message"], says, "{q}");
    }
    // A provider sees only its own queues in the list, and cannot learn the others' names.
    let url = "/api/v1/kpis?from=2026-10-01&to=2026-10-02&queue=nosuch";
    let r = s.call("GET", url, Some(&s.acme), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        r.json()["error"]["message"],
        "unknown queue in the filter (queues with data: billing)"
    );
}

#[tokio::test]
async fn providers_queues_me_and_erlang() {
    let s = Server::seeded("lists").await;
    let r = s
        .call("GET", "/api/v1/providers", Some(&s.analyst), None)
        .await;
    expect![[r#"{"items":["acme","zenith"]}"#]].assert_eq(&r.body);
    let r = s
        .call("GET", "/api/v1/queues", Some(&s.analyst), None)
        .await;
    expect![[r#"{"items":["billing","tech"]}"#]].assert_eq(&r.body);
    let r = s.call("GET", "/api/v1/me", Some(&s.acme), None).await;
    assert_eq!(r.json()["role"], "provider");
    assert_eq!(r.json()["provider"], "acme");
    // The published example: 100 calls per 30 min, AHT 180 s, Erlang A, patience 300 s → 13 agents.
    let r = s
        .call("GET", "/api/v1/erlang?arrivals=100&per_s=1800&aht_s=180&model=erlang_a&patience_s=300&target_sl=0.8&sl_threshold_s=20&max_abandon=0.05&shrinkage=0.3", Some(&s.analyst), None)
        .await;
    let v = r.json();
    assert_eq!(v["agents"], 13.0, "{v}");
    assert_eq!(v["agents_with_shrinkage"], 19);
    let r = s
        .call(
            "GET",
            "/api/v1/erlang?arrivals=100&aht_s=180&agents=12",
            Some(&s.analyst),
            None,
        )
        .await;
    assert!(r.json()["service_level"].as_f64().unwrap() < 0.8);
    let r = s
        .call(
            "GET",
            "/api/v1/erlang?arrivals=100&aht_s=abc",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "aht_s", "{}", r.body);
    let r = s
        .call(
            "GET",
            "/api/v1/erlang?arrivals=100&aht_s=180&model=erlang_b",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "model");
}

#[tokio::test]
async fn tokens_users_and_audit() {
    let s = Server::new("admin");
    let r = s
        .call(
            "POST",
            "/api/v1/tokens",
            Some(&s.admin),
            Some(r#"{"name":"ingest","role":"provider","provider":"acme","expires_in_days":30}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("rlv_") && secret.len() == 68);
    let me = s.call("GET", "/api/v1/me", Some(&secret), None).await;
    assert_eq!(me.json()["provider"], "acme");
    let list = s.call("GET", "/api/v1/tokens", Some(&s.admin), None).await;
    assert!(!list.body.contains(&secret), "secrets are never listed");
    assert_eq!(list.json().as_array().unwrap().len(), 6);
    let id = created["id"].as_i64().unwrap();
    let r = s
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = s
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let me = s.call("GET", "/api/v1/me", Some(&secret), None).await;
    assert_eq!(
        me.status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused"
    );

    // Body problems name the field.
    for (body, field) in [
        (r#"{"nmae":"x","role":"admin"}"#, "nmae"),
        (
            r#"{"name":"x","role":"admin","expires_in_days":"soon"}"#,
            "expires_in_days",
        ),
        (r#"{"name":"x"}"#, "role"),
        (r#"{"name":"x","role":"boss"}"#, "role"),
        (r#"{"name":"x","role":"provider"}"#, ""),
    ] {
        let r = s
            .call("POST", "/api/v1/tokens", Some(&s.admin), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        if !field.is_empty() {
            assert_eq!(r.json()["error"]["field"], field, "{body}: {}", r.body);
        }
    }
    let r = s
        .call("POST", "/api/v1/tokens", Some(&s.admin), Some("{not json"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = s
        .call(
            "POST",
            "/api/v1/users",
            Some(&s.admin),
            Some(r#"{"name":"maria","password":"long enough pw","role":"manager"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = s
        .call(
            "POST",
            "/api/v1/users",
            Some(&s.admin),
            Some(r#"{"name":"pablo","password":"short","role":"analyst"}"#),
        )
        .await;
    assert_eq!(r.json()["error"]["field"], "password");
    let r = s.call("GET", "/api/v1/users", Some(&s.admin), None).await;
    let users = r.json();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ana", "ana-acme", "maria", "zoe-zenith"]);
    assert!(!r.body.contains("argon2"), "hashes are never listed");

    // Only admins manage access.
    for (m, p) in [
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/1"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("GET", "/api/v1/audit"),
    ] {
        let r = s.call(m, p, Some(&s.manager), Some("{}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {p}");
    }
    let r = s
        .call("GET", "/api/v1/audit?limit=3", Some(&s.admin), None)
        .await;
    let actions: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["user.add", "token.revoke", "token.create"]);
    assert!(
        r.json()[0]["actor"]
            .as_str()
            .unwrap()
            .starts_with("token:1:")
    );
}

#[tokio::test]
async fn hours_and_contracts() {
    let s = Server::seeded("hours").await;
    let r = s
        .call(
            "GET",
            "/api/v1/hours?from=2026-10-01&to=2026-10-01",
            Some(&s.analyst),
            None,
        )
        .await;
    let v = r.json();
    let rows: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {} {} {}",
                h["period_start"].as_str().unwrap(),
                h["provider"].as_str().unwrap(),
                h["queue"].as_str().unwrap(),
                h["staffed_s"]
            )
        })
        .collect();
    expect![[r#"
        2026-10-01T08:00:00+00:00 acme billing 3600.0
        2026-10-01T08:00:00+00:00 zenith tech 1800.0
        2026-10-01T08:15:00+00:00 acme billing 3600.0
        2026-10-01T08:15:00+00:00 zenith tech 1800.0
        2026-10-01T08:30:00+00:00 acme billing 3600.0
        2026-10-01T08:45:00+00:00 acme billing 3600.0"#]]
    .assert_eq(&rows.join("\n"));
    // A provider's hours need no provider column; bad rows are listed with their index.
    let body = "queue,period_start,staffed_s,productive_s,scheduled_s\nbilling,2026-10-01T10:00:00Z,900,900,900\nbilling,2026-10-01T10:07:00Z,900,900,900\n";
    let r = s
        .call("POST", "/api/v1/hours", Some(&s.acme), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        (
            r.json()["error"]["invalid"][0]["index"].as_i64(),
            r.json()["error"]["invalid"][0]["field"].as_str()
        ),
        (Some(1), Some("period_start"))
    );
    let r = s
        .call(
            "POST",
            "/api/v1/hours",
            Some(&s.acme),
            Some(&body.replace("10:07", "10:15")),
        )
        .await;
    expect![[r#"{"rows":2,"cells":2}"#]].assert_eq(&r.body);
    let r = s
        .call("POST", "/api/v1/hours", Some(&s.analyst), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .call(
            "POST",
            "/api/v1/hours",
            Some(&s.admin),
            Some("colour\nred\n"),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("colour"))
    );

    let r = s
        .call("GET", "/api/v1/contracts", Some(&s.manager), None)
        .await;
    let list = r.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["source"], "provider = \"acme\"\nversion = 1\n");
}

/// A real listener: a request over TCP, then a graceful shutdown that lets `serve` return.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_a_socket_and_shuts_down_gracefully() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let s = Server::new("socket");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let server = tokio::spawn(relevo_server::serve(
        listener,
        s.state.clone(),
        async move {
            while !flag.load(Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        },
    ));
    let answer = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
    stop.store(true, Ordering::Relaxed);
    server.await.unwrap().unwrap();
    let log = s.log.lock().unwrap();
    assert!(log.iter().any(|l| l.contains("msg=listening")));
    assert!(log.last().unwrap().contains("msg=stopped"));
}

/// Waits until no copy of `grain` is being read into memory.
async fn memory_settled(s: &Server, grain: relevo_core::Grain) {
    for _ in 0..1_000 {
        if !s.state.memory_cube_loading(grain) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the {grain:?} cube is still loading after 10 s");
}

fn reports_from(s_metrics: &str, source: &str) -> u64 {
    let line = format!("relevo_reports_total{{source=\"{source}\"}} ");
    s_metrics
        .lines()
        .find_map(|l| l.strip_prefix(line.as_str()))
        .unwrap_or_else(|| panic!("no {line} in {s_metrics}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn reports_come_from_the_cube_in_memory_only_while_it_is_current() {
    use relevo_core::Grain;
    let s = Server::seeded("memory").await;
    let q = "/api/v1/kpis?from=2026-10-01&to=2026-10-02&by=interval&group=provider,queue,channel&as_of=2026-10-20";
    let counts = |m: &str| (reports_from(m, "memory"), reports_from(m, "store"));
    // The first report reads the store and starts reading the 15-minute cube into memory.
    let from_store = s.call("GET", q, Some(&s.admin), None).await;
    assert_eq!(from_store.status, StatusCode::OK, "{}", from_store.body);
    memory_settled(&s, Grain::Quarter).await;
    let from_memory = s.call("GET", q, Some(&s.admin), None).await;
    assert_eq!(from_memory.body, from_store.body);
    let m = s.call("GET", "/metrics", None, None).await.body;
    assert_eq!(counts(&m), (1, 1), "{m}");
    // A provider's caller sees only its own rows from memory too.
    let acme = s.call("GET", q, Some(&s.acme), None).await.json();
    let all = from_memory.json();
    let acme_rows = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["provider"] == "acme")
        .cloned()
        .collect::<Vec<_>>();
    assert!(!acme_rows.is_empty());
    assert_eq!(acme["rows"].as_array().unwrap(), &acme_rows);
    let m = s.call("GET", "/metrics", None, None).await.body;
    assert_eq!(counts(&m), (2, 1), "{m}");

    // New data moves the cube version: the next report reads the store and includes it.
    let more = serde_json::json!([contact(
        "acme",
        "late-1",
        "billing",
        "voice",
        "2026-10-01T08:05:00Z",
        2,
        true
    )])
    .to_string();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&more))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = s.call("GET", q, Some(&s.admin), None).await;
    let m = s.call("GET", "/metrics", None, None).await.body;
    assert_eq!(counts(&m), (2, 2), "{m}");
    let offered = |body: &serde_json::Value| -> i64 {
        body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["offered"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(offered(&after.json()), offered(&all) + 1);
    memory_settled(&s, Grain::Quarter).await;
    let again = s.call("GET", q, Some(&s.admin), None).await;
    assert_eq!(again.body, after.body);
    let m = s.call("GET", "/metrics", None, None).await.body;
    assert_eq!(counts(&m), (3, 2), "{m}");
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_a_json_body() {
    let s = Server::seeded("method").await;
    let r = s
        .call("GET", "/api/v1/contacts", Some(&s.admin), None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{}", r.body);
    assert_eq!(
        r.json()["error"]["message"],
        "GET is not supported on /api/v1/contacts (see /api/v1/openapi.json)"
    );
}

/// Another process (here: another handle) holds the database's write lock for a long import.
fn hold_the_write_lock(db: &str, hold: std::time::Duration) -> std::thread::JoinHandle<()> {
    let mut store = relevo_store::open(db).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let mut it = (0..3).map(|i| {
            if i == 1 {
                tx.send(()).unwrap();
                std::thread::sleep(hold);
            }
            let arrived = 1_790_000_000_000 + i * 1000;
            Ok(relevo_core::ContactRecord {
                answered_at_ms: Some(arrived + 1000),
                ..relevo_core::ContactRecord::new(
                    format!("held{i}"),
                    "acme",
                    "q",
                    relevo_core::Channel::Voice,
                    arrived,
                    relevo_core::Outcome::Answered,
                )
            })
        });
        store.import("cli", 0, &mut it, &mut |_| {}, None).unwrap();
    });
    rx.recv().unwrap();
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_beside_another_writer_waits_then_is_503_with_retry_after() {
    let s = Server::new("busy");
    let batch = serde_json::to_string(&[contact(
        "acme",
        "w1",
        "q",
        "voice",
        "2026-10-01T09:00:00Z",
        1,
        true,
    )])
    .unwrap();
    // Within the bound: the request waits for the other writer and lands.
    let held = hold_the_write_lock(&s.state.config().db, std::time::Duration::from_millis(500));
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&batch))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    held.join().unwrap();

    // Past it: 503 with Retry-After, never 500, and nothing written.
    let s = s.reconfigured(crate::support::NOW_MS + 120_000, |c| {
        c.write_wait = std::time::Duration::from_millis(100)
    });
    let held = hold_the_write_lock(
        &s.state.config().db,
        std::time::Duration::from_millis(1_500),
    );
    let other = serde_json::to_string(&[contact(
        "acme",
        "w2",
        "q",
        "voice",
        "2026-10-01T09:00:00Z",
        1,
        true,
    )])
    .unwrap();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&other))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.headers["retry-after"], "2");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again")
    );
    held.join().unwrap();
    let audit = s
        .call("GET", "/api/v1/audit?limit=50", Some(&s.admin), None)
        .await;
    let pushes = audit.body.matches("contacts.push").count();
    assert_eq!(
        pushes, 1,
        "the refused batch left no audit row: {}",
        audit.body
    );
}

#[tokio::test]
async fn report_csv_cells_a_spreadsheet_would_run_stay_text() {
    let s = Server::new("csv-injection");
    let queue = "=HYPERLINK(\"http://example.invalid\",\"x\")";
    let batch = serde_json::to_string(&[
        contact(
            "acme",
            "f1",
            queue,
            "voice",
            "2026-10-01T09:00:00Z",
            1,
            true,
        ),
        contact(
            "acme",
            "f2",
            "@SUM(1+1)",
            "voice",
            "2026-10-01T09:00:00Z",
            1,
            true,
        ),
    ])
    .unwrap();
    let r = s
        .call("POST", "/api/v1/contacts", Some(&s.admin), Some(&batch))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=day&group=queue&format=csv",
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains(",\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\","),
        "{}",
        r.body
    );
    assert!(r.body.contains(",'@SUM(1+1),"), "{}", r.body);
    assert!(
        !r.body.contains(",=") && !r.body.contains(",@"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let s = Server::new("headers");
    for (method, path, token) in [
        ("GET", "/healthz", None),
        ("GET", "/api/v1/me", Some(s.admin.as_str())),
        ("GET", "/api/v1/kpis?from=x", Some(s.admin.as_str())),
        ("GET", "/no/such/page", None),
        (
            "GET",
            "/transitions/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            None,
        ),
        ("DELETE", "/api/v1/contacts", Some(s.admin.as_str())),
        ("GET", "/login", None),
    ] {
        let r = s.call(method, path, token, None).await;
        let h = &r.headers;
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!r.body.contains("<script>alert"), "{path}: {}", r.body);
    }
}

#[tokio::test]
async fn a_transition_page_for_an_id_that_cannot_exist_is_the_page_not_found() {
    let s = Server::new("bad-id-page");
    let sid = s
        .login("ana", crate::support::PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let r = s
        .page(
            "/transitions/%3Cscript%3Ealert(1)%3C%2Fscript%3E?lang=es",
            &sid,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.body.contains("<html lang=\"es\">"), "{}", r.body);
    assert!(!r.body.contains("<script>alert"));
}

#[tokio::test]
async fn ids_that_cannot_exist_are_404_in_json_without_the_input() {
    let s = Server::new("ids");
    for path in [
        "/api/v1/tokens/99999999999999999999",
        "/api/v1/tokens/-3",
        "/api/v1/tokens/%3Cb%3Ex",
    ] {
        let r = s.call("DELETE", path, Some(&s.admin), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        assert_eq!(r.headers["content-type"], "application/json", "{path}");
        assert!(
            !r.body.contains("<b>") && !r.body.contains("9999"),
            "{}",
            r.body
        );
    }
    let r = s
        .call(
            "GET",
            "/api/v1/transitions/18446744073709551616",
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn a_report_past_the_row_limit_is_refused_before_it_is_computed() {
    let s = Server::seeded("row-limit").await;
    let s = s.reconfigured(crate::support::NOW_MS, |c| c.max_report_rows = 2_000);
    // A day by interval is 96 periods per group: answered.
    let r = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-10-01&to=2026-10-01&by=interval&group=provider,queue",
            Some(&s.acme),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A year by interval is refused, naming the bound and what to change; a provider's token
    // cannot make the server build it.
    let r = s
        .call(
            "GET",
            "/api/v1/kpis?from=2026-01-01&to=2026-12-31&by=interval&group=provider,queue",
            Some(&s.acme),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e = &r.json()["error"];
    assert_eq!(e["field"], "by");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("at most 2000 are answered at once"),
        "{}",
        r.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_of_many_rows_arrives_whole_in_pieces() {
    let s = Server::seeded("pieces").await;
    let q = "/api/v1/kpis?from=2026-10-01&to=2026-10-07&by=interval&group=provider,queue";
    let json = s.call("GET", q, Some(&s.admin), None).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let rows = json.json()["rows"].as_array().unwrap().len();
    assert!(rows > 2_000, "several pieces of 1,000 rows: {rows}");
    assert_eq!(rows % (7 * 96), 0, "every interval of every group: {rows}");
    let csv = s
        .call("GET", &format!("{q}&format=csv"), Some(&s.admin), None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.body.lines().count(),
        rows + 1,
        "a header and the same rows"
    );
    assert!(csv.body.ends_with('\n'));
}
