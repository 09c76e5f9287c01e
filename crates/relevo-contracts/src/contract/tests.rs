//! Contract files: what parses, what each bad file says (key, line, column), and the consistency
//! rules within one contract and across contracts.

use super::*;
use expect_test::{Expect, expect};
use jiff::civil::date;

const BASE: &str = r#"provider = "acme-bpo"
version = 1
valid_from = 2026-01-01
valid_to = 2026-12-31
currency = "EUR"
timezone = "Europe/Madrid"
queues = ["billing", "tech"]
channels = ["voice", "chat", "email"]

[kpi]
sl_threshold_s = 20
abandon_treatment = "excluded_within_t"

[calendars.office]
timezone = "Europe/Madrid"
hours = [{ days = ["mon-fri"], blocks = ["09:00-13:00", "14:00-18:00"] }]
holidays = [2026-12-25]

[credits]
at_risk_pct = 12
pool_pct = 150
escalation_window_months = 6
escalation = [{ miss = 3, multiplier = 1.5 }]

[[terms]]
id = "voice-sl"
metric = "service_level"
channels = ["voice"]
target = 0.80
min_volume = 100
critical = true
credit_allocation_pct = 60
bonus = [{ at = 0.85, amount = 1000 }, { at = 0.90, amount = 2000 }]

[[terms]]
id = "email-24h"
metric = "business_response_within"
channels = ["email"]
calendar = "office"
within_business_h = 24
target = 0.90
critical = true
credit_allocation_pct = 50

[[terms]]
id = "csat"
metric = "csat_top2"
queues = ["billing"]
target = 0.8
period = "week"
allowed_misses = 1

[[stabilisation]]
from = 2026-01-01
to = 2026-02-28
relax = { voice-sl = { delta = 0.1 } }

[pricing]
per_contact = { voice = { price = 3.10 }, email = { tiers = [{ up_to = 1000, price = 2 }, { price = 1.5 }], mode = "all_units" } }
monthly_fee = 2500
"#;

/// `BASE` with `from` replaced by `to` (which must occur once).
fn with(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} must occur once");
    BASE.replace(from, to)
}

fn check_err(text: &str, expect: Expect) {
    match Contract::parse(text) {
        Ok(_) => panic!("parsed but should not have"),
        Err(e) => expect.assert_eq(&e.to_string()),
    }
}

#[test]
fn base_contract_parses_into_its_terms() {
    let c = Contract::parse(BASE).unwrap();
    expect![[r#"
        acme-bpo v1 2026-01-01..2026-12-31 EUR, queues billing,tech, 3 terms (2 critical), at risk 12%, stabilisation 2026-01-01..2026-02-28
        kpi: sl_threshold_s=20 short_abandon_s=5 abandon_treatment=excluded_within_t include_flowouts=false fcr_window_days=7
          CSL voice-sl: service_level ≥ 80.0% per month, min volume 100; credit 60% of at-risk; 2 bonus tiers
          CSL email-24h: business_response_within ≥ 90.0% per month, min volume 0; credit 50% of at-risk; within 24 business h (office)
          KPI csat: csat_top2 ≥ 80.0% per week, min volume 0
    "#]]
    .assert_eq(&c.describe());
    let email = c.term("email-24h").unwrap();
    assert_eq!(email.within_business_s, Some(24 * 3600));
    assert_eq!(email.queues, ["billing", "tech"]);
    assert_eq!(c.term("csat").unwrap().channels, c.channels);
    assert_eq!(c.kpi.short_abandon_s, 5);
    let jan = PeriodSpan {
        first: date(2026, 1, 1),
        last: date(2026, 1, 31),
    };
    let (t, w) = c.target_in(c.term("voice-sl").unwrap(), &jan);
    assert!((t - 0.7).abs() < 1e-12 && w.is_some());
    assert!(c.credits_suspended_in(&jan).is_some());
    assert_eq!(c.source(), BASE);
}

#[test]
fn syntax_errors_name_line_column_and_key() {
    check_err(
        &with("target = 0.80\n", "target = 0.80\ncolour = \"red\"\n"),
        expect![
            "line 30, column 1: terms[0].colour: unknown field `colour`, expected one of `id`, `name`, `metric`, `queues`, `channels`, `target`, `direction`, `period`, `min_volume`, `allowed_misses`, `critical`, `credit_allocation_pct`, `earn_back`, `bonus`, `volume_excusal_pct`, `calendar`, `within_business_h`"
        ],
    );
    check_err(
        &with("target = 0.90", "target = \"high\""),
        expect![[
            r#"line 41, column 10: terms[1].target: invalid type: string "high", expected f64"#
        ]],
    );
    check_err(
        &with("metric = \"csat_top2\"", "metric = \"happiness\""),
        expect![
            "line 47, column 10: terms[2].metric: unknown variant `happiness`, expected one of `service_level`, `asa_s`, `abandon_rate`, `aht_s`, `p90_answer_s`, `transfer_rate`, `csat_top2`, `csat_mean`, `nps`, `qa_mean`, `fcr`, `business_response_within`"
        ],
    );
    // A report KPI that terms do not judge, and a metric that is not a name, read as before the
    // one KPI vocabulary.
    check_err(
        &with("metric = \"csat_top2\"", "metric = \"talk_s\""),
        expect![
            "line 47, column 10: terms[2].metric: unknown variant `talk_s`, expected one of `service_level`, `asa_s`, `abandon_rate`, `aht_s`, `p90_answer_s`, `transfer_rate`, `csat_top2`, `csat_mean`, `nps`, `qa_mean`, `fcr`, `business_response_within`"
        ],
    );
    check_err(
        &with("metric = \"csat_top2\"", "metric = 5"),
        expect!["line 47, column 10: terms[2].metric: wanted string or table"],
    );
    check_err(
        &with("valid_to = 2026-12-31", "valid_to = \"end of year\""),
        expect![[
            r#"line 4, column 12: valid_to: invalid type: string "end of year", expected a TOML datetime"#
        ]],
    );
    check_err(
        &with("[credits]\n", "[credits\n"),
        expect!["line 19, column 9: unclosed table, expected `]`"],
    );
    check_err(
        &with("id = \"csat\"\n", ""),
        expect!["line 45, column 1: terms[2]: missing field `id`"],
    );
}

#[test]
fn inconsistent_contracts_are_refused_with_a_reason() {
    check_err(
        &with("credit_allocation_pct = 50", "credit_allocation_pct = 95"),
        expect![
            "line 21, column 12: credits.pool_pct: critical-term credit allocations sum to 155% (voice-sl 60% + email-24h 95%), over the pool of 150%"
        ],
    );
    check_err(
        &with("target = 0.80", "target = 80"),
        expect![
            "line 29, column 10: terms[0].target: target 80 is out of range for service_level (ratios are fractions: 0.8 for 80 %)"
        ],
    );
    check_err(
        &with(
            "{ at = 0.90, amount = 2000 }",
            "{ at = 0.84, amount = 2000 }",
        ),
        expect![
            "line 33, column 47: terms[0].bonus[1].at: bonus tiers must increase in strictness: 0.84 follows 0.85"
        ],
    );
    check_err(
        &with(
            "{ at = 0.90, amount = 2000 }",
            "{ at = 0.90, amount = 500 }",
        ),
        expect![
            "line 33, column 40: terms[0].bonus[1]: bonus tiers must pay more as they get stricter"
        ],
    );
    check_err(
        &with(
            "queues = [\"billing\"]",
            "queues = [\"billing\", \"sales\"]",
        ),
        expect![[
            r#"line 48, column 22: terms[2].queues[1]: term "csat": queue "sales" is not one of the contract's queues (billing, tech)"#
        ]],
    );
    check_err(
        &with("{ delta = 0.1 }", "{ target = 0.85 }"),
        expect![[
            r#"line 56, column 33: stabilisation[0].relax.voice-sl.target: relaxed target 0.85 is stricter than the target 0.8 of "voice-sl""#
        ]],
    );
    check_err(
        &with(
            "min_volume = 100\n",
            "min_volume = 100\nearn_back = { months = 2, target = 0.75 }\n",
        ),
        expect![
            "line 31, column 36: terms[0].earn_back.target: earn-back target 0.75 is looser than the target 0.8 (it must be ≥ it)"
        ],
    );
    check_err(
        &with(
            "critical = true\ncredit_allocation_pct = 50",
            "critical = true",
        ),
        expect![[
            r#"line 42, column 12: terms[1].critical: critical term "email-24h" needs credit_allocation_pct"#
        ]],
    );
    check_err(
        &with(
            "target = 0.8\n",
            "target = 0.8\ncredit_allocation_pct = 10\n",
        ),
        expect![[
            r#"line 50, column 25: terms[2].credit_allocation_pct: term "csat" is reported only (critical = false) and cannot carry a credit allocation"#
        ]],
    );
    check_err(
        &with("calendar = \"office\"", "calendar = \"shop\""),
        expect![[
            r#"line 39, column 12: terms[1].calendar: unknown calendar "shop" (defined: office)"#
        ]],
    );
    check_err(
        &with(
            "\"09:00-13:00\", \"14:00-18:00\"",
            "\"09:00-13:00\", \"12:00-18:00\"",
        ),
        expect![
            "line 16, column 9: calendars.office.hours: blocks 09:00-13:00 and 12:00-18:00 overlap on mon"
        ],
    );
    check_err(
        &with(
            "{ up_to = 1000, price = 2 }, { price = 1.5 }",
            "{ up_to = 1000, price = 2 }, { up_to = 900, price = 1.8 }, { price = 1.5 }",
        ),
        expect![
            "line 59, column 101: pricing.per_contact.email.tiers[1].up_to: tier bounds must increase: 900 follows 1000"
        ],
    );
    check_err(
        &with("price = 3.10", "price = 3.1234567"),
        expect![[
            r#"line 59, column 35: pricing.per_contact.voice.price: "3.1234567" has more than 6 decimal places"#
        ]],
    );
    check_err(
        &with(
            "to = 2026-02-28\n",
            "to = 2026-02-28\n\n[[stabilisation]]\nfrom = 2026-02-01\nto = 2026-03-31\nsuspend_credits = true\n",
        ),
        expect![
            "line 58, column 8: stabilisation[1].from: window 2026-02-01..2026-03-31 overlaps window 2026-01-01..2026-02-28"
        ],
    );
    check_err(
        &with("at_risk_pct = 12", "at_risk_pct = 120"),
        expect![
            "line 20, column 15: credits.at_risk_pct: 120% is out of range (above 0, at most 100)"
        ],
    );
    check_err(
        &with(
            "timezone = \"Europe/Madrid\"\nqueues",
            "timezone = \"Europe/Atlantis\"\nqueues",
        ),
        expect![[r#"line 6, column 12: timezone: unknown IANA time zone "Europe/Atlantis""#]],
    );
    check_err(
        &with(
            "allowed_misses = 1",
            "allowed_misses = 1\nbonus = [{ at = 0.9, pct = 1 }]",
        ),
        expect!["line 52, column 10: terms[2].bonus[0]: bonus tiers apply to month terms only"],
    );
}

fn version(v: u32, from: &str, to: &str) -> Contract {
    Contract::parse(
        &BASE
            .replace("version = 1", &format!("version = {v}"))
            .replace(
                "valid_from = 2026-01-01\nvalid_to = 2026-12-31",
                &format!("valid_from = {from}\nvalid_to = {to}"),
            )
            .replace(
                "from = 2026-01-01\nto = 2026-02-28",
                &format!("from = {from}\nto = {from}"),
            ),
    )
    .unwrap()
}

#[test]
fn versions_of_one_provider_must_not_overlap() {
    let v1 = version(1, "2026-01-01", "2026-06-30");
    let v2 = version(2, "2026-07-01", "2026-12-31");
    check_versions(&[v1.clone(), v2.clone()]).unwrap();
    let v3 = version(3, "2026-12-01", "2027-06-30");
    expect!["acme-bpo versions 2 (2026-07-01..2026-12-31) and 3 (2026-12-01..2027-06-30) overlap from 2026-12-01 to 2026-12-31"]
        .assert_eq(&check_versions(&[v1.clone(), v3, v2.clone()]).unwrap_err().to_string());
    expect!["acme-bpo version 2 is given twice"].assert_eq(
        &check_versions(&[v2.clone(), version(2, "2027-01-01", "2027-12-31")])
            .unwrap_err()
            .to_string(),
    );
    let other = Contract::parse(&BASE.replace("acme-bpo", "other-bpo")).unwrap();
    check_versions(&[v1.clone(), v2.clone(), other]).unwrap();
    let all = [v1, v2];
    assert_eq!(
        contract_for(&all, "acme-bpo", date(2026, 7, 1))
            .unwrap()
            .version,
        2
    );
    assert!(contract_for(&all, "acme-bpo", date(2027, 1, 1)).is_none());
    let june: Month = "2026-06".parse().unwrap();
    assert_eq!(
        contract_for_month(&all, "acme-bpo", june).unwrap().version,
        1
    );
    let short = [version(4, "2026-01-01", "2026-06-15")];
    assert_eq!(
        contract_for_month(&short, "acme-bpo", june)
            .unwrap()
            .version,
        4
    );
    assert!(contract_for_month(&short, "acme-bpo", june.plus(1)).is_none());
}

#[test]
fn queues_must_be_known_to_the_store() {
    let c = Contract::parse(BASE).unwrap();
    check_queues(&c, ["billing", "tech", "sales"]).unwrap();
    expect![[
        r#"line 7, column 22: queues[1]: acme-bpo v1: unknown queue "tech" (known: billing, sales)"#
    ]]
    .assert_eq(
        &check_queues(&c, ["billing", "sales"])
            .unwrap_err()
            .to_string(),
    );
}

#[test]
fn periods_are_clipped_to_validity() {
    let c = version(1, "2026-03-18", "2026-12-31");
    let csat = c.term("csat").unwrap();
    let weeks: Vec<String> = c
        .periods(csat, "2026-03".parse().unwrap())
        .iter()
        .map(ToString::to_string)
        .collect();
    // Weeks of March 2026 start on the 2nd, 9th, 16th, 23rd and 30th; the first two end before the
    // contract starts.
    assert_eq!(
        weeks,
        [
            "2026-03-16..2026-03-22",
            "2026-03-23..2026-03-29",
            "2026-03-30..2026-04-05"
        ]
    );
    assert!(c.covers("2026-03".parse().unwrap()));
    assert!(!c.covers("2026-02".parse().unwrap()));
}
