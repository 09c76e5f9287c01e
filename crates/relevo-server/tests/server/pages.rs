//! Router tests for the dashboard pages: login (CSRF, rate limit, cookie flags), overview, provider,
//! queue and planning pages, in English and Spanish.

use crate::support::{PASSWORD, Server, cookie_value};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

#[tokio::test]
async fn login_sets_a_safe_session_cookie_and_needs_the_form_token() {
    let s = Server::new("login");
    let r = s.call("GET", "/overview", None, None).await;
    assert_eq!(
        (r.status, r.headers["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let form = s.call("GET", "/login", None, None).await;
    assert!(
        form.body.contains("name=\"csrf\"")
            && form.body.contains("autocomplete=\"current-password\"")
    );
    let set = form
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    assert!(
        set.iter().any(|c| c.starts_with("relevo_login=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")),
        "{set:?}"
    );

    // Without the double-submitted token the form is refused (a cross-site post cannot read it).
    let r = s
        .send(
            Request::builder()
                .method("POST")
                .uri("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "name=ana&password={}&csrf=forged",
                    PASSWORD.replace(' ', "+")
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    assert_eq!(sid.len(), 64);
    let r = s.page("/overview", &sid).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<strong>ana</strong>"));
    // API writes with only a session cookie need the CSRF header.
    let r = s
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/v1/tokens")
                .header(header::COOKIE, format!("relevo_session={sid}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"x","role":"analyst"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Logging out ends the session.
    let csrf = r_csrf(&s.page("/overview", &sid).await.body);
    let r = s
        .send(
            Request::builder()
                .method("POST")
                .uri("/logout")
                .header(header::COOKIE, format!("relevo_session={sid}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={csrf}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(cookie_value(&r, "relevo_session").as_deref(), Some(""));
    assert_eq!(
        s.page("/overview", &sid).await.status,
        StatusCode::SEE_OTHER
    );
    let audit = s
        .call("GET", "/api/v1/audit", Some(&s.admin), None)
        .await
        .json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["logout", "login"]);
}

fn r_csrf(body: &str) -> String {
    let i = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[i..i + 64].to_string()
}

#[tokio::test]
async fn failed_logins_are_rate_limited() {
    let s = Server::new("rate");
    for _ in 0..5 {
        let r = s.login("ana", "wrong password").await.unwrap_err();
        assert_eq!(r.headers["location"], "/login?error=bad");
    }
    // Even the right password waits now.
    let r = s.login("ana", PASSWORD).await.unwrap_err();
    assert_eq!(r.headers["location"], "/login?error=rate");
    let page = s.call("GET", "/login?error=rate&lang=es", None, None).await;
    assert!(page.body.contains("Demasiados intentos fallidos"));
    let m = s.call("GET", "/metrics", None, None).await;
    assert!(
        m.body.contains("relevo_login_failures_total 5"),
        "{}",
        m.body
    );
}

#[tokio::test]
async fn overview_in_english_and_spanish_marks_missed_targets() {
    let s = Server::seeded("overview").await;
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let r = s
        .page("/overview?from=2026-10-01&to=2026-10-02", &sid)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(b.contains("<html lang=\"en\">") && b.contains("<h1>Overview"));
    assert!(
        b.contains("<table id=\"providers\" class=\"cards\">")
            && b.contains(
                "href=\"/providers/zenith?from=2026-10-01&amp;to=2026-10-02&amp;channel=voice&amp;lang=en\""
            )
    );
    // zenith's service level (0 %) and abandonment (25 %) miss their targets; acme's do not.
    let zenith_row = &b[b.find(">zenith</a>").unwrap()..];
    let zenith_row = &zenith_row[..zenith_row.find("</tr>").unwrap()];
    assert_eq!(
        zenith_row.matches("data-missed=\"true\"").count(),
        3,
        "{zenith_row}"
    );
    assert!(zenith_row.contains("target missed"));
    let acme_row = &b[b.find(">acme</a>").unwrap()..];
    let acme_row = &acme_row[..acme_row.find("</tr>").unwrap()];
    assert_eq!(acme_row.matches("data-missed").count(), 0, "{acme_row}");
    assert!(
        acme_row.contains("class=\"spark\""),
        "a trend sparkline per provider"
    );
    assert!(b.contains("Each value shows the target it is judged against"));
    assert!(
        r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );

    // Spanish from the browser's Accept-Language...
    let es = s
        .send(
            Request::builder()
                .uri("/overview?from=2026-10-01&to=2026-10-02")
                .header(header::COOKIE, format!("relevo_session={sid}"))
                .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        es.body.contains("<html lang=\"es\">")
            && es.body.contains("<h1>Resumen")
            && es.body.contains("objetivo incumplido")
    );
    assert!(es.body.contains("0,0 %"), "Spanish decimal commas");
    // ...and from the switch, which is remembered.
    let sw = s
        .page("/overview?from=2026-10-01&to=2026-10-02&lang=es", &sid)
        .await;
    assert_eq!(cookie_value(&sw, "relevo_lang").as_deref(), Some("es"));
    assert!(sw.body.contains("id=\"lang-switch\">English</a>"));
}

#[tokio::test]
async fn provider_queue_and_planning_pages() {
    let s = Server::seeded("pages").await;
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let r = s
        .page("/providers/zenith?from=2026-10-01&to=2026-10-01", &sid)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("<svg class=\"chart sl-chart\" id=\"sl-chart\" role=\"img\"")
    );
    // One day → 96 quarter hours, each with a volume bar (on the wide chart and the phone's).
    assert_eq!(r.body.matches("<rect").count(), 2 * 96);
    assert!(r.body.contains("<section id=\"by-queue-channel\""));
    // Ticks at whole hours: every two hours on the wide chart.
    let wide = &r.body[r.body.find("id=\"sl-chart\"").unwrap()..];
    let wide = &wide[..wide.find("</svg>").unwrap()];
    assert_eq!(wide.matches("class=\"tick\"").count(), 12, "{wide}");
    assert!(wide.contains(">02:00</text>") && !wide.contains(">01:00</text>"));
    let r = s
        .page("/providers/nobody?from=2026-10-01&to=2026-10-01", &sid)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = s
        .page(
            "/queues/billing?from=2026-10-01&to=2026-10-02&lang=es",
            &sid,
        )
        .await;
    assert!(
        r.body.contains("Proveedores en esta cola")
            && r.body.contains(">acme</a>")
            && r.body.contains(">zenith</a>")
    );
    let r = s.page("/planning?arrivals=100&per_min=30&aht_s=180&target_sl=80&threshold_s=20&model=erlang_c&shrinkage=30", &sid).await;
    assert!(
        r.body.contains("<table id=\"erlang-result\">"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<th scope=\"row\">Agents needed</th><td>14</td>"),
        "Erlang C: 14 agents"
    );
    let r = s.page("/planning?arrivals=lots", &sid).await;
    assert!(r.body.contains("role=\"alert\""));
    let r = s.page("/", &sid).await;
    assert_eq!(r.headers["location"], "/overview");
    let r = s.page("/nowhere", &sid).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_contract_sets_the_targets_a_row_is_marked_against() {
    let s = Server::seeded("contract-targets").await;
    let contract = r#"
provider = "zenith"
version = 2
valid_from = 2026-07-01
valid_to = 2027-06-30
currency = "EUR"
timezone = "UTC"
queues = ["billing", "tech"]

[credits]
at_risk_pct = 10

[[terms]]
id = "voice-sl"
metric = "service_level"
channels = ["voice"]
target = 0.0
critical = true
credit_allocation_pct = 40

[[terms]]
id = "voice-abandon"
metric = "abandon_rate"
channels = ["voice"]
target = 0.30
"#;
    let mut store = relevo_store::open(&s.state.config().db).unwrap();
    store
        .add_contract(&relevo_store::contracts::NewContract {
            provider: "zenith",
            version: 2,
            valid_from: "2026-07-01",
            valid_to: Some("2027-06-30"),
            source: contract,
            added_at_ms: 0,
            added_by: "test",
        })
        .unwrap();
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let r = s
        .page("/overview?from=2026-10-01&to=2026-10-02", &sid)
        .await;
    let b = &r.body;
    let zenith_row = &b[b.find(">zenith</a>").unwrap()..];
    let zenith_row = &zenith_row[..zenith_row.find("</tr>").unwrap()];
    assert!(
        zenith_row.contains("<span class=\"note contract\">Contract zenith v2</span>"),
        "{zenith_row}"
    );
    // Each cell shows the target it is judged against: the contract's, else the default.
    for want in ["≥ 0.0 %", "≤ 30.0 %", "≤ 30 s"] {
        assert!(zenith_row.contains(want), "{want}: {zenith_row}");
    }
    // Only the ASA (default, 45 s) is missed now: service level 0 % ≥ 0 %, abandonment 25 % ≤ 30 %.
    assert_eq!(
        zenith_row.matches("data-missed=\"true\"").count(),
        1,
        "{zenith_row}"
    );
}

#[tokio::test]
async fn a_flood_of_made_up_names_throttles_its_address_not_a_real_account() {
    let s = Server::new("flood");
    // Five wrong passwords for ana from one address: ana is refused there, even with hers...
    for _ in 0..5 {
        let r = s
            .login_from("ana", "wrong", Some("198.51.100.7"), None)
            .await
            .unwrap_err();
        assert_eq!(r.headers["location"], "/login?error=bad");
    }
    let r = s
        .login_from("ana", PASSWORD, Some("198.51.100.7"), None)
        .await
        .unwrap_err();
    assert_eq!(r.headers["location"], "/login?error=rate");
    // ...but not from her own address.
    s.login_from("ana", PASSWORD, Some("203.0.113.20"), None)
        .await
        .unwrap_or_else(|r| panic!("{:?}", r.headers));
    // Fifty made-up names from one address: that address is throttled, for every name...
    for i in 0..50 {
        let r = s
            .login_from(&format!("made-up-{i}"), "x", Some("192.0.2.66"), None)
            .await
            .unwrap_err();
        assert_eq!(r.headers["location"], "/login?error=bad", "attempt {i}");
    }
    let r = s
        .login_from("ana", PASSWORD, Some("192.0.2.66"), None)
        .await
        .unwrap_err();
    assert_eq!(r.headers["location"], "/login?error=rate");
    // ...and ana, elsewhere, still logs in.
    s.login_from("ana", PASSWORD, Some("203.0.113.20"), None)
        .await
        .unwrap_or_else(|r| panic!("{:?}", r.headers));
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_throttled_not_the_proxy() {
    let s = Server::new("proxy");
    let s = s.reconfigured(crate::support::NOW_MS, |c| {
        c.trusted_proxies = vec!["10.0.0.1".parse().unwrap()]
    });
    // An attacker behind the proxy, who also writes a fake address of their own on the left.
    for _ in 0..50 {
        let _ = s
            .login_from(
                "nobody",
                "x",
                Some("10.0.0.1"),
                Some("203.0.113.20, 192.0.2.66"),
            )
            .await;
    }
    let r = s
        .login_from("ana", PASSWORD, Some("10.0.0.1"), Some("192.0.2.66"))
        .await
        .unwrap_err();
    assert_eq!(
        r.headers["location"], "/login?error=rate",
        "the attacker's address"
    );
    // Everyone else behind the same proxy logs in; the fake left-most entry was not believed.
    s.login_from("ana", PASSWORD, Some("10.0.0.1"), Some("203.0.113.20"))
        .await
        .unwrap_or_else(|r| panic!("{:?}", r.headers));
    // An untrusted peer's X-Forwarded-For is ignored: it is throttled as itself.
    for _ in 0..50 {
        let _ = s
            .login_from("nobody", "x", Some("198.51.100.9"), Some("203.0.113.99"))
            .await;
    }
    s.login_from("ana", PASSWORD, Some("203.0.113.99"), None)
        .await
        .unwrap_or_else(|r| panic!("{:?}", r.headers));
}

/// The table (or section) with `id` in a page, up to its end.
fn element<'a>(body: &'a str, id: &str, end: &str) -> &'a str {
    let Some(i) = body.find(&format!("id=\"{id}\"")) else {
        return "";
    };
    let rest = &body[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_channel_filter_is_honoured_on_provider_and_queue_pages() {
    let s = Server::seeded("channels").await;
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    // zenith serves billing by voice and tech by chat.
    let voice = s
        .page(
            "/providers/zenith?from=2026-10-01&to=2026-10-02&channel=voice",
            &sid,
        )
        .await
        .body;
    assert!(element(&voice, "qc-voice", "</table>").contains(">billing</a>"));
    assert!(!voice.contains("id=\"qc-chat\"") && !voice.contains(">tech</a>"));
    let all = s
        .page(
            "/providers/zenith?from=2026-10-01&to=2026-10-02&channel=all",
            &sid,
        )
        .await
        .body;
    let voice_rows = element(&all, "qc-voice", "</table>");
    let chat_rows = element(&all, "qc-chat", "</table>");
    assert!(voice_rows.contains(">billing</a>") && !voice_rows.contains(">tech</a>"));
    assert!(chat_rows.contains(">tech</a>") && !chat_rows.contains(">billing</a>"));
    assert!(all.contains("<h3 id=\"qc-voice-h\">voice</h3>"));
    // Spanish channel names in the headings and the filter.
    let es = s
        .page(
            "/providers/zenith?from=2026-10-01&to=2026-10-02&channel=all&lang=es",
            &sid,
        )
        .await
        .body;
    assert!(es.contains("<h3 id=\"qc-voice-h\">voz</h3>"), "{es}");
    assert!(es.contains("<option value=\"email\">correo electrónico</option>"));
    // The queue page: tech has no voice contacts; by chat it has zenith's.
    let r = s
        .page(
            "/queues/tech?from=2026-10-01&to=2026-10-02&channel=voice",
            &sid,
        )
        .await
        .body;
    assert!(
        r.contains("No contacts in this period.") && !r.contains(">zenith</a>"),
        "{r}"
    );
    let r = s
        .page(
            "/queues/tech?from=2026-10-01&to=2026-10-02&channel=chat",
            &sid,
        )
        .await
        .body;
    assert!(element(&r, "queue-providers", "</table>").contains(">zenith</a>"));
    // All channels: the providers together, then each channel on its own.
    let r = s
        .page(
            "/queues/billing?from=2026-10-01&to=2026-10-02&channel=all",
            &sid,
        )
        .await
        .body;
    assert!(element(&r, "bc-voice", "</table>").contains(">acme</a>"));
    assert!(!r.contains("id=\"bc-chat\""));
}

#[tokio::test]
async fn durations_read_as_hours_and_dates_as_the_language_writes_them() {
    let s = Server::seeded("durations").await;
    // One email answered after 5 h 19 min 9 s.
    let email = crate::support::contact(
        "acme",
        "e1",
        "billing",
        "email",
        "2026-10-01T08:00:00Z",
        19_149,
        true,
    );
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.admin.clone()),
            Some(&serde_json::json!([email]).to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let b = s
        .page(
            "/providers/acme?from=2026-10-01&to=2026-10-02&channel=email",
            &sid,
        )
        .await
        .body;
    assert!(b.contains("5 h 19 min") && !b.contains("19149"), "{b}");
    let es = s
        .page(
            "/providers/acme?from=01/10/2026&to=02/10/2026&channel=voice&lang=es",
            &sid,
        )
        .await;
    assert_eq!(
        es.status,
        StatusCode::OK,
        "Spanish dates are read: {}",
        es.body
    );
    let b = es.body;
    assert!(b.contains("01/10/2026 – 02/10/2026"), "{b}");
    assert!(
        b.contains("name=\"from\" id=\"from\" lang=\"es\"") && b.contains("value=\"01/10/2026\""),
        "a day-first text field in Spanish"
    );
    assert!(b.contains("Desde (dd/mm/aaaa)"));
    // The chart's data table in Spanish dates and decimal commas.
    assert!(b.contains("<th scope=\"row\">01/10/2026 10:00</th>"), "{b}");
    let en = s
        .page("/providers/acme?from=2026-10-01&to=2026-10-02", &sid)
        .await
        .body;
    assert!(en.contains("type=\"date\" name=\"from\""));
    let bad = s
        .page(
            "/providers/acme?from=31/02/2026&to=2026-10-02&lang=es",
            &sid,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        bad.body.contains("<h1>Solicitud no válida") && bad.body.contains("<span lang=\"en\">"),
        "the page in Spanish, the server's detail marked as English: {}",
        bad.body
    );
}

#[tokio::test]
async fn the_contract_table_speaks_spanish_numbers() {
    let contract = r#"
provider = "zenith"
version = 1
valid_from = 2026-01-01
valid_to = 2026-12-31
currency = "EUR"
timezone = "UTC"
queues = ["billing"]

[credits]
at_risk_pct = 10

[[terms]]
id = "voice-sl"
name = "Voice service level"
metric = "service_level"
channels = ["voice"]
target = 0.785
critical = true
credit_allocation_pct = 100

[pricing]
per_contact.voice = { price = 1234.50 }
"#;
    let s = Server::seeded_with_contracts("contract-es", &[("zenith", contract)]).await;
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let es = s
        .page(
            "/providers/zenith?from=2026-10-01&to=2026-10-31&lang=es",
            &sid,
        )
        .await
        .body;
    let table = element(&es, "scorecard", "</table>");
    assert!(table.contains("Nivel de servicio"), "{table}");
    assert!(
        table.contains("≥ 78,5 %") && table.contains("0,0 %"),
        "{table}"
    );
    assert!(!table.contains("78.5") && !table.contains("0.0"), "{table}");
    // Money with Spanish thousands and decimals.
    assert!(
        es.contains("Créditos de servicio: 7.407,00 EUR") && es.contains("66.663,00 EUR"),
        "{es}"
    );
    let en = s
        .page("/providers/zenith?from=2026-10-01&to=2026-10-31", &sid)
        .await
        .body;
    assert!(element(&en, "scorecard", "</table>").contains("≥ 78.5 %"));
}

/// Two more weeks of billing voice contacts before the seed's days, so the queue has history
/// enough to forecast (the automatic method backtests over at least a week).
pub async fn push_history(s: &Server) {
    let mut records = Vec::new();
    for day in 17..=30 {
        for h in 8..18 {
            for k in 0..4 {
                let at = format!("2026-09-{day:02}T{h:02}:{:02}:00Z", k * 15);
                records.push(crate::support::contact(
                    "acme",
                    &format!("h{day}-{h}-{k}"),
                    "billing",
                    "voice",
                    &at,
                    12,
                    true,
                ));
            }
        }
    }
    let r = s
        .call(
            "POST",
            "/api/v1/contacts",
            Some(&s.admin.clone()),
            Some(&serde_json::to_string(&records).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn the_planning_page_forecasts_the_busiest_voice_queue() {
    let s = Server::seeded("planning-forecast").await;
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    // Two days of history are not enough: the page says so and still offers the calculator.
    let short = s.page("/planning", &sid).await.body;
    assert!(
        short.contains("too short to forecast") && short.contains("Erlang calculator"),
        "{short}"
    );
    push_history(&s).await;
    let b = s.page("/planning", &sid).await.body;
    assert!(
        b.contains("Queue <strong>billing</strong>"),
        "the busiest voice queue: {b}"
    );
    assert!(
        b.contains("2026-10-03 – 2026-10-09"),
        "the week after the data: {b}"
    );
    assert!(
        b.contains("id=\"forecast-chart\"") && b.contains("id=\"forecast-chart-narrow\""),
        "{b}"
    );
    let days = element(&b, "forecast-days", "</table>");
    assert_eq!(days.matches("<tr><th scope=\"row\">").count(), 7, "{days}");
    let hours = element(&b, "plan-hours", "</table>");
    assert_eq!(hours.matches("<tr><th scope=\"row\">").count(), 7 * 24);
    assert!(b.contains("id=\"forecast-method\""));
    // Any queue can be chosen.
    let t = s.page("/planning?queue=tech", &sid).await.body;
    assert!(
        t.contains("Queue <strong>tech</strong>") && t.contains("<option value=\"tech\" selected>")
    );
    // In Spanish: dates, numbers and words.
    let es = s.page("/planning?lang=es", &sid).await.body;
    assert!(
        es.contains("03/10/2026 – 09/10/2026") && es.contains("Previsión y dotación"),
        "{es}"
    );
    assert!(es.contains("<th scope=\"row\">03/10/2026</th>"));
}

#[tokio::test]
async fn the_favicon_and_the_script_are_files_every_page_links() {
    let s = Server::seeded("favicon").await;
    for path in ["/favicon.svg", "/favicon.ico"] {
        let r = s.call("GET", path, None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.headers[header::CONTENT_TYPE], "image/svg+xml");
        assert!(r.body.starts_with("<svg") && r.body.contains("viewBox"));
    }
    let js = s.call("GET", "/refresh.js", None, None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("auto-refresh"));
    let login = s.call("GET", "/login", None, None).await;
    assert!(
        login
            .body
            .contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">")
    );
    let sid = s
        .login("ana", PASSWORD)
        .await
        .unwrap_or_else(|r| panic!("{}", r.body));
    let r = s.page("/overview", &sid).await;
    assert!(r.body.contains("href=\"/favicon.svg\""));
    // No inline script: the one script is a file, and the policy allows only the server's own.
    assert!(
        r.body
            .contains("<script src=\"/refresh.js\" defer></script>")
    );
    assert_eq!(r.body.matches("<script").count(), 1);
    let csp = r.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("script-src 'unsafe-inline'"));
}
