//! `GET /api/v1/scorecard` and `GET /api/v1/invoice`: the same evaluation as the command line, scoped
//! so that a provider sees only its own.

use crate::support::Server;
use axum::http::StatusCode;

const CONTRACT: &str = r#"
provider = "acme"
version = 1
valid_from = 2026-01-01
valid_to = 2026-12-31
currency = "EUR"
timezone = "UTC"
queues = ["billing"]

[credits]
at_risk_pct = 10

[[terms]]
id = "voice-aht"
name = "Voice handle time"
metric = "aht_s"
channels = ["voice"]
target = 10
min_volume = 10
critical = true
credit_allocation_pct = 100

[pricing]
per_contact.voice = { price = 3.00 }
"#;

/// Replaces the shared fixture's placeholder contract texts with a real contract for acme.
fn with_contract(s: &Server) {
    let mut store = relevo_store::SqliteStore::open(&s._dir.0.join("relevo.db")).unwrap();
    store
        .connection()
        .execute("DELETE FROM contracts", [])
        .unwrap();
    store
        .add_contract(&relevo_store::NewContract {
            provider: "acme",
            version: 1,
            valid_from: "2026-01-01",
            valid_to: Some("2026-12-31"),
            source: CONTRACT,
            added_at_ms: 0,
            added_by: "test",
        })
        .unwrap();
}

#[tokio::test]
async fn scorecard_and_invoice_for_a_provider_and_nobody_else() {
    let s = Server::seeded("contract-api").await;
    with_contract(&s);
    let url = "/api/v1/scorecard?provider=acme&month=2026-10&as_of=2026-11-15T00:00:00Z";
    let r = s.call("GET", url, Some(&s.analyst), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["provider"].as_str(), v["month"].as_str()),
        (Some("acme"), Some("2026-10"))
    );
    let term = &v["terms"][0];
    assert_eq!(term["term"], "voice-aht");
    assert!(term["sample"].as_u64().unwrap() >= 10, "{term}");
    assert_eq!(term["verdict"], "missed", "{term}");
    // The acme provider may read its own; zenith gets a 404 as if acme had no contract.
    assert_eq!(
        s.call("GET", url, Some(&s.acme), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        s.call("GET", url, Some(&s.zenith), None).await.status,
        StatusCode::NOT_FOUND
    );
    let inv = s
        .call(
            "GET",
            "/api/v1/invoice?provider=acme&month=2026-10&as_of=2026-11-15T00:00:00Z",
            Some(&s.manager),
            None,
        )
        .await;
    assert_eq!(inv.status, StatusCode::OK, "{}", inv.body);
    let v = inv.json();
    // 3.00 per answered voice contact, less the credit of the missed critical term (10 % at risk).
    assert_eq!(v["lines"][0]["unit_price"], "3.00", "{v}");
    assert!(
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["description"]
                .as_str()
                .unwrap()
                .starts_with("service credit")),
        "{v}"
    );
    let bad = s
        .call(
            "GET",
            "/api/v1/invoice?provider=acme&month=October",
            Some(&s.manager),
            None,
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("month"))
    );
    let none = s
        .call(
            "GET",
            "/api/v1/scorecard?provider=zenith&month=2026-10",
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "{}", none.body);
}

#[tokio::test]
async fn the_provider_page_shows_last_months_scorecard_and_invoice() {
    let s = Server::seeded("contract-page").await;
    with_contract(&s);
    let Ok(sid) = s.login("ana", crate::support::PASSWORD).await else {
        panic!("login")
    };
    // The seed data are in October: a period ending on 10-31 shows October's contract month.
    let page = s
        .page(
            "/providers/acme?from=2026-10-01&to=2026-10-31&lang=es",
            &sid,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<table id=\"scorecard\">"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Contrato, mes 2026-10 · v1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("▼ incumplido"), "{}", page.body);
    assert!(page.body.contains("Factura esperada:"), "{}", page.body);
    // Another provider's person cannot open acme's page at all.
    let Ok(zoe) = s.login("zoe-zenith", crate::support::PASSWORD).await else {
        panic!("login")
    };
    assert_ne!(
        s.page("/providers/acme?from=2026-10-01&to=2026-10-31", &zoe)
            .await
            .status,
        StatusCode::OK
    );
}
