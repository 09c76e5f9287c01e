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

#[tokio::test]
async fn scorecard_and_invoice_for_a_provider_and_nobody_else() {
    let s = Server::seeded_with_contracts("contract-api", &[("acme", CONTRACT)]).await;
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
    let s = Server::seeded_with_contracts("contract-page", &[("acme", CONTRACT)]).await;
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
        page.body
            .contains("<table id=\"scorecard\" class=\"cards\">"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Contrato, mes 10/2026 · v1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("▼ incumplido"), "{}", page.body);
    let table = &page.body[page.body.find("id=\"scorecard\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(
        table.contains("TMO") && table.contains(">24,00<"),
        "KPI names and money in Spanish: {table}"
    );
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

/// `GET /api/v1/plan`: ten days of hourly history → a day's plan, hour by hour; shrinkage and the
/// occupancy cap hold in every hour; a queue without contacts is 404, a short history 409.
#[tokio::test]
async fn plan_from_the_queue_history() {
    let s = Server::seeded("plan-api").await;
    let mut records = Vec::new();
    for day in 1..=10 {
        for h in 8..18 {
            for k in 0..6 {
                let at = format!("2026-09-{day:02}T{h:02}:{:02}:00Z", k * 10);
                records.push(crate::support::contact(
                    "acme",
                    &format!("p{day}-{h}-{k}"),
                    "sales",
                    "voice",
                    &at,
                    5,
                    true,
                ));
            }
        }
    }
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.admin),
            Some(&serde_json::to_string(&records).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = s
        .call(
            "GET",
            "/api/v1/plan?queue=sales&from=2026-09-12&to=2026-09-12",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    let busy = rows
        .iter()
        .find(|r| r["period_start"] == "2026-09-12T10:00:00+00:00")
        .unwrap();
    assert!(
        (busy["offered_forecast"].as_f64().unwrap() - 6.0).abs() < 1e-9,
        "{busy}"
    );
    for r in rows {
        let (agents, scheduled) = (
            r["agents"].as_u64().unwrap(),
            r["scheduled"].as_u64().unwrap(),
        );
        assert_eq!(scheduled, (agents as f64 / 0.7).ceil() as u64, "{r}");
        assert!(r["occupancy"].as_f64().unwrap() <= 0.85 + 1e-9, "{r}");
    }
    assert!(busy["agents"].as_u64().unwrap() >= 1);
    let none = s
        .call(
            "GET",
            "/api/v1/plan?queue=nope&from=2026-09-12&to=2026-09-12",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let short = s
        .call(
            "GET",
            "/api/v1/plan?queue=billing&from=2026-10-05&to=2026-10-05",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(short.status, StatusCode::CONFLICT, "{}", short.body);
    let bad = s
        .call(
            "GET",
            "/api/v1/plan?queue=sales&from=12/09&to=2026-09-12",
            Some(&s.analyst),
            None,
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("from"))
    );
    // A provider plans only on its own contacts: zenith has none on sales.
    let other = s
        .call(
            "GET",
            "/api/v1/plan?queue=sales&from=2026-09-12&to=2026-09-12",
            Some(&s.zenith),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}
