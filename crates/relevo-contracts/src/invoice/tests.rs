//! Worked examples of expected invoices: graduated and all-units per-minute tiers with a minimum
//! commitment and a one-time fee; per-contact, per-hour and per-FTE prices with a holiday
//! surcharge; the scorecard's adjustments; an in-house cost model.

use super::*;
use crate::evaluate::{MonthInput, PeriodMeasure, evaluate};
use expect_test::{Expect, expect};

const HEAD: &str = r#"provider = "northwind-bpo"
version = 1
valid_from = 2026-01-01
valid_to = 2026-12-31
currency = "EUR"
timezone = "Europe/London"
queues = ["billing-en"]
channels = ["voice", "chat", "email"]

[calendars.uk]
timezone = "Europe/London"
hours = [{ days = ["mon-fri"], blocks = ["08:00-20:00"] }]
holidays = [2026-12-25, 2026-12-28]
"#;

fn contract(pricing: &str) -> Contract {
    Contract::parse(&format!("{HEAD}\n{pricing}")).unwrap()
}

fn usage(m: &str) -> Usage {
    Usage::empty(m.parse().unwrap())
}

fn check(inv: &Invoice, expect: Expect) {
    expect.assert_eq(&inv.render());
}

const MINUTES: &str = r#"[pricing]
per_minute = { tiers = [{ up_to = 100000, price = 0.45 }, { up_to = 200000, price = 0.42 }, { price = 0.40 }], mode = "graduated" }
monthly_fee = 1500
minimum_monthly = 60000
one_time = [{ description = "transition", amount = 25000, month = "2026-01" }]
"#;

#[test]
fn graduated_minutes_above_the_minimum_commitment() {
    // 9 000 030 handled seconds = 150 000.5 minutes, graduated:
    //   tier 1: 100 000   × 0.45 = 45 000.00
    //   tier 2:  50 000.5 × 0.42 = 21 000.21
    //   monthly fee               =  1 500.00
    // recurring 67 500.21 ≥ the 60 000.00 minimum: no top-up. March has no one-time fee.
    let inv = expected_invoice(
        &contract(MINUTES),
        &Usage {
            handled_s: 9_000_030,
            ..usage("2026-03")
        },
    )
    .unwrap();
    check(
        &inv,
        expect![[r#"
            northwind-bpo v1 · 2026-03 · EUR
            description                                         quantity  unit_price  amount
            handled minutes, tier 1 (up to 100000)              100000    0.45        45000.00
            handled minutes, tier 2 (over 100000 up to 200000)  50000.5   0.42        21000.21
            monthly fee                                         1         1500.00     1500.00
            fees 67500.21 · charges 67500.21 · total 67500.21
        "#]],
    );
}

#[test]
fn a_quiet_month_is_topped_up_to_the_minimum_commitment() {
    // January: 80 000 minutes, all in tier 1: 80 000 × 0.45 = 36 000.00, + fee 1 500.00 = 37 500.00,
    // under the 60 000.00 minimum → top-up 22 500.00; fees (the at-risk base) = 60 000.00.
    // The one-time transition fee of 25 000.00 is billed in January: total 85 000.00.
    let inv = expected_invoice(
        &contract(MINUTES),
        &Usage {
            handled_s: 80_000 * 60,
            ..usage("2026-01")
        },
    )
    .unwrap();
    check(
        &inv,
        expect![[r#"
            northwind-bpo v1 · 2026-01 · EUR
            description                             quantity  unit_price  amount
            handled minutes, tier 1 (up to 100000)  80000     0.45        36000.00
            monthly fee                             1         1500.00     1500.00
            minimum commitment top-up               1         22500.00    22500.00
            one-time: transition                    1         25000.00    25000.00
            fees 60000.00 · charges 85000.00 · total 85000.00
        "#]],
    );
}

#[test]
fn all_units_tiers_price_every_unit_at_the_reached_band() {
    // The same 150 000.5 minutes in all-units mode: the total falls in band 2, so every minute costs
    // 0.42: 150 000.5 × 0.42 = 63 000.21.
    let c = contract(&MINUTES.replace("graduated", "all_units"));
    let inv = expected_invoice(
        &c,
        &Usage {
            handled_s: 9_000_030,
            ..usage("2026-03")
        },
    )
    .unwrap();
    assert_eq!(
        inv.lines[0].description,
        "handled minutes, all units at tier 2 (over 100000 up to 200000)"
    );
    assert_eq!(inv.lines[0].amount.to_string(), "63000.21");
    // Exactly on a bound stays in the lower band: 100 000 minutes × 0.45.
    let inv = expected_invoice(
        &c,
        &Usage {
            handled_s: 6_000_000,
            ..usage("2026-03")
        },
    )
    .unwrap();
    assert_eq!(inv.lines[0].amount.to_string(), "45000.00");
}

const MIXED: &str = r#"[credits]
at_risk_pct = 10

[[terms]]
id = "voice-sl"
metric = "service_level"
channels = ["voice"]
target = 0.8
critical = true
credit_allocation_pct = 40

[[terms]]
id = "csat"
metric = "csat_mean"
target = 4.2
bonus = [{ at = 4.5, amount = 750 }]

[pricing]
per_contact = { voice = { price = 3.10 }, chat = { price = 2.40 }, email = { tiers = [{ up_to = 5000, price = 1.80 }, { price = 1.50 }], mode = "all_units" } }
per_productive_hour = { price = 28.50 }
per_fte_month = { price = 350 }
holiday_surcharge = { pct = 50, calendar = "uk" }
"#;

#[test]
fn combined_prices_with_a_holiday_surcharge_and_the_scorecard() {
    // December 2026:
    //   voice 10 000 × 3.10                          = 31 000.00
    //   chat   4 000 × 2.40                          =  9 600.00
    //   email  6 000, all units at band 2: × 1.50    =  9 000.00
    //   productive 4 444 200 s = 1 234.5 h × 28.50   = 35 183.25
    //   FTE 12.5 × 350                               =  4 375.00
    //   holiday surcharge: 300 voice contacts on 25 and 28 December at 50 % × 3.10 = 1.55 → 465.00
    // fees = 89 623.25; at risk 10 % = 8 962.33 (8 962.325 rounded half away from zero)
    // voice-sl 78 % < 80 %: credit 40 % × 8 962.33 = 3 584.932 → 3 584.93
    // csat mean 4.6 ≥ 4.5: bonus 750.00
    // total = 89 623.25 − 3 584.93 + 750.00 = 86 788.32
    let c = contract(MIXED);
    let mut inv = expected_invoice(
        &c,
        &Usage {
            handled_contacts: [
                (Channel::Voice, 10_000),
                (Channel::Chat, 4_000),
                (Channel::Email, 6_000),
            ]
            .into(),
            productive_s: 4_444_200,
            fte: Quantity::from_milli(12_500),
            holiday_contacts: [(Channel::Voice, 300)].into(),
            ..usage("2026-12")
        },
    )
    .unwrap();
    let m = |v: f64| PeriodMeasure {
        first: jiff::civil::date(2026, 12, 1),
        value: Some(v),
        sample: 5_000,
        offered: 5_000,
        forecast_offered: None,
    };
    let card = evaluate(
        &c,
        &MonthInput {
            month: inv.month,
            fees: inv.fees(),
            measures: [
                ("voice-sl".to_string(), vec![m(0.78)]),
                ("csat".to_string(), vec![m(4.6)]),
            ]
            .into(),
        },
        &[],
    )
    .unwrap();
    inv.add_scorecard(&card);
    check(
        &inv,
        expect![[r#"
            northwind-bpo v1 · 2026-12 · EUR
            description                                              quantity  unit_price  amount
            handled contacts voice                                   10000     3.10        31000.00
            handled contacts chat                                    4000      2.40        9600.00
            handled contacts email, all units at tier 2 (over 5000)  6000      1.50        9000.00
            productive hours                                         1234.5    28.50       35183.25
            FTE months                                               12.5      350.00      4375.00
            holiday surcharge voice                                  300       1.55        465.00
            service credit voice-sl (2026-12)                        1         -3584.93    -3584.93
            bonus csat (2026-12)                                     1         750.00      750.00
            fees 89623.25 · charges 89623.25 · total 86788.32
        "#]],
    );
    expect![[r#"
        description,quantity,unit_price,amount
        handled contacts voice,10000,3.10,31000.00
        handled contacts chat,4000,2.40,9600.00
        "handled contacts email, all units at tier 2 (over 5000)",6000,1.50,9000.00
        productive hours,1234.5,28.50,35183.25
        FTE months,12.5,350.00,4375.00
        holiday surcharge voice,300,1.55,465.00
        service credit voice-sl (2026-12),1,-3584.93,-3584.93
        bonus csat (2026-12),1,750.00,750.00
    "#]]
    .assert_eq(&inv.to_csv());
    assert_eq!(
        inv.cost_per_contact(20_000).unwrap().to_string(),
        "4.339416"
    );
}

#[test]
fn inhouse_cost_model_uses_the_same_parts() {
    // An in-house team: 2 100 productive hours at a loaded 24.00, 15 FTE seats at 180.00, a fixed
    // 9 500.00 of management and tooling: 50 400.00 + 2 700.00 + 9 500.00 = 62 600.00 for 14 000
    // handled contacts → 4.471429 per contact.
    let c = contract(
        "[inhouse_cost]\nper_productive_hour = { price = 24 }\nper_fte_month = { price = 180 }\nmonthly_fee = 9500\n",
    );
    let inv = inhouse_cost(
        &c,
        &Usage {
            productive_s: 2_100 * 3600,
            fte: Quantity::units(15),
            ..usage("2026-05")
        },
    )
    .unwrap();
    assert_eq!(inv.total().to_string(), "62600.00");
    assert_eq!(
        inv.cost_per_contact(14_000).unwrap().to_string(),
        "4.471429"
    );
    assert_eq!(
        expected_invoice(&c, &usage("2026-05"))
            .unwrap_err()
            .to_string(),
        "northwind-bpo v1 has no [pricing]"
    );
}

#[test]
fn usage_an_invoice_refuses() {
    let c = contract(MIXED);
    let err = |u: Usage| expected_invoice(&c, &u).unwrap_err().to_string();
    assert_eq!(
        err(Usage {
            handled_contacts: [(Channel::Voice, 10)].into(),
            holiday_contacts: [(Channel::Voice, 11)].into(),
            ..usage("2026-05")
        }),
        "11 voice contacts handled on holidays, but only 10 handled"
    );
    assert_eq!(
        err(Usage {
            handled_contacts: [(Channel::Messaging, 10)].into(),
            ..usage("2026-05")
        }),
        "messaging contacts were handled but the contract prices none"
    );
    assert_eq!(
        err(usage("2027-01")),
        "northwind-bpo v1 is not valid in 2027-01"
    );
}
