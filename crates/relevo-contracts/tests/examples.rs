//! The shipped example contracts (`examples/contracts/*.toml`) parse, agree with each other and with
//! the demo's queues, and run end to end through the public API: usage → invoice → fees →
//! scorecard → adjusted invoice → reconciliation, and emails → business-time tally → verdict.

use expect_test::expect;
use jiff::Zoned;
use relevo_contracts::*;
use relevo_core::Channel;
use std::path::Path;

fn load(name: &str) -> Contract {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/contracts")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Contract::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ms(zoned: &str) -> i64 {
    zoned.parse::<Zoned>().unwrap().timestamp().as_millisecond()
}

#[test]
fn example_contracts_parse_and_fit_the_demo() {
    let all = [
        load("northwind-bpo.toml"),
        load("sur-contact.toml"),
        load("inhouse.toml"),
    ];
    check_versions(&all).unwrap();
    let demo_queues = [
        "billing-es",
        "billing-en",
        "tech-es",
        "tech-en",
        "sales-es",
        "sales-en",
    ];
    for c in &all {
        check_queues(c, demo_queues).unwrap();
    }
    let shown: String = all.iter().map(|c| c.summary() + "\n").collect();
    expect![[r#"
        northwind-bpo v2 2026-07-01..2027-06-30 EUR, queues billing-en,tech-en,sales-en, 10 terms (5 critical), at risk 12%
        sur-contact v1 2026-08-25..2027-08-24 EUR, queues billing-es,tech-es, 7 terms (4 critical), at risk 10%, stabilisation 2026-08-25..2026-10-05,2026-10-06..2026-12-13
        inhouse v1 2026-01-01..2026-12-31 EUR, queues billing-es,sales-es,sales-en, 4 terms (0 critical)
    "#]]
    .assert_eq(&shown);
    // The demo's history ends on 2026-11-22, inside sur-contact's second stabilisation window.
    let sur = &all[1];
    let last_day = PeriodSpan {
        first: jiff::civil::date(2026, 11, 22),
        last: jiff::civil::date(2026, 11, 22),
    };
    assert!(sur.credits_suspended_in(&last_day).is_some());
    let (target, _) = sur.target_in(sur.term("voice-sl").unwrap(), &last_day);
    assert!((target - 0.75).abs() < 1e-12);
    assert!(all[2].inhouse_cost.is_some() && all[2].pricing.is_none());
}

#[test]
fn sur_contact_november_in_its_stabilisation_window() {
    // Usage: 6 800 productive hours, graduated: 6 000 × 21.90 = 131 400.00 and 800 × 20.50 =
    // 16 400.00; 6 support FTEs × 3 400.00 = 20 400.00. Fees 168 200.00 (above the 90 000.00
    // minimum); at risk 10 % = 16 820.00.
    // Scorecard (window 2026-10-06..2026-12-13: credits suspended, voice-sl 75 %, email-8h 80 %):
    //   voice-sl 77 % ≥ 75 % relaxed: met
    //   voice-abandon 7 % > 6 % (not relaxed in this window): missed, credit suspended
    //   chat-sl weekly ≥ 70 %: weeks of 2, 9, 16 Nov at 72 %, 68 %, 71 % → 1 missed, 1 allowed: met;
    //           the weeks of 23 and 30 Nov have no data yet: not judged
    //   email-8h 83 % ≥ 80 % relaxed: met
    //   csat 85 % ≥ 84 %: bonus tier 1, 2 500.00; cap = min(4 000.00, 2 % × 168 200.00 = 3 364.00)
    // Net adjustment +2 500.00; invoice total 168 200.00 + 2 500.00 = 170 700.00.
    let c = load("sur-contact.toml");
    let month: Month = "2026-11".parse().unwrap();
    let mut inv = expected_invoice(
        &c,
        &Usage {
            productive_s: 6_800 * 3600,
            fte: Quantity::units(6),
            ..Usage::empty(month)
        },
    )
    .unwrap();
    assert_eq!(inv.fees().to_string(), "168200.00");
    let m = |first: jiff::civil::Date, value: f64, sample: u64| PeriodMeasure {
        first,
        value: Some(value),
        sample,
        offered: sample,
        forecast_offered: None,
    };
    let day1 = month.first_day();
    let weeks = c.periods(c.term("chat-sl").unwrap(), month);
    let input = MonthInput {
        month,
        fees: inv.fees(),
        measures: [
            ("voice-sl", vec![m(day1, 0.77, 9_500)]),
            ("voice-abandon", vec![m(day1, 0.07, 10_100)]),
            (
                "chat-sl",
                vec![
                    m(weeks[0].first, 0.72, 900),
                    m(weeks[1].first, 0.68, 950),
                    m(weeks[2].first, 0.71, 980),
                ],
            ),
            ("email-8h", vec![m(day1, 0.83, 2_300)]),
            ("csat", vec![m(day1, 0.85, 1_400)]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    };
    let card = evaluate(&c, &input, &[]).unwrap();
    expect![[r#"
        sur-contact v1 · 2026-11 · EUR
        stabilisation window 2026-10-06..2026-12-13
        fees 168200.00 · at risk 16820.00
        term           kind  metric                    target     actual            sample  verdict     ×  credit  bonus    note
        voice-sl       CSL   service_level             ≥ 75.0%*   77.0%             9500    met         -  0.00    0.00     target relaxed to 75.0%
        voice-abandon  CSL   abandon_rate              ≤ 6.0%     7.0%              10100   missed      -  0.00    0.00     credit suspended: stabilisation window (2026-10-06..2026-12-13)
        chat-sl        CSL   service_level             ≥ 70.0%    1/3 weeks missed  2830    met         -  0.00    0.00     1 of 3 judged weeks missed (allowed 1)
        email-8h       CSL   business_response_within  ≥ 80.0%*   83.0%             2300    met         -  0.00    0.00     target relaxed to 80.0%
        tech-aht       KPI   aht_s                     ≤ 480.0 s  -                 0       not_judged  -  0.00    0.00     no measurement
        csat           KPI   csat_top2                 ≥ 78.0%    85.0%             1400    met         -  0.00    2500.00  bonus tier ≥ 84.0%
        qa             KPI   qa_mean                   ≥ 82.0     -                 0       not_judged  -  0.00    0.00     no measurement
        credits 0.00
        bonuses 2500.00
        earned back 0.00 · net adjustment 2500.00
    "#]]
    .assert_eq(&card.render());
    assert_eq!(card.bonus_cap.unwrap().to_string(), "3364.00");
    inv.add_scorecard(&card);
    assert_eq!(inv.total().to_string(), "170700.00");

    // The provider bills its hours at 21.90 throughout: the tier-2 line is over-billed by 1 120.00.
    let billed = inv
        .to_csv()
        .replace("800,20.50,16400.00", "800,21.90,17520.00");
    let r = reconcile(
        &inv,
        &parse_billed_csv(&billed).unwrap(),
        &Tolerance::default(),
    );
    expect![[r#"
        line 3: "productive hours, tier 2 (over 6000)": unit price 21.90, expected 20.50
        line 3: "productive hours, tier 2 (over 6000)": amount 17520.00, expected 16400.00 (over by 1120.00)
        expected total  170700.00
        billed total    171820.00
        difference      1120.00
    "#]]
    .assert_eq(&r.render());
}

#[test]
fn northwind_email_sla_in_business_hours() {
    // Dublin office: Mon–Fri 08:00–13:00 and 14:00–20:00, Sat 09:00–14:00; Monday 2026-10-26 is a
    // bank holiday, and summer time ends on Sunday 2026-10-25.
    // An email arriving Friday 2026-10-23 16:30 with a 24-business-hour target:
    //   Fri 16:30–20:00 3.5 h (3.5) · Sat 09:00–14:00 5 h (8.5) · Sun closed · Mon holiday
    //   Tue 08:00–13:00 5 h (13.5), 14:00–20:00 6 h (19.5) · Wed 08:00 + 4.5 h → 12:30
    // Deadline Wednesday 2026-10-28 12:30 GMT.
    let c = load("northwind-bpo.toml");
    let cal = &c.calendars["dublin-office"];
    let term = c.term("email-24h").unwrap();
    let within_s = term.within_business_s.unwrap();
    let arrived = ms("2026-10-23T16:30[Europe/Dublin]");
    let due = business_deadline(cal, arrived, within_s);
    assert_eq!(due, ms("2026-10-28T12:30[Europe/Dublin]"));
    assert_eq!(business_seconds_between(cal, arrived, due), 24 * 3600);

    // October's emails as the store would pass them: 230 answered by their deadline, 15 after it,
    // 5 still unanswered and overdue, 4 unanswered but not yet due when the month is evaluated.
    let as_of = ms("2026-11-02T09:00[Europe/Dublin]");
    let late_arrival = ms("2026-10-31T13:00[Europe/Dublin]"); // due Monday 2 Nov 17:00
    let mut contacts = Vec::new();
    contacts.extend((0..230).map(|_| (arrived, Some(due))));
    contacts.extend((0..15).map(|_| (arrived, Some(due + 60_000))));
    contacts.extend((0..5).map(|_| (arrived, None)));
    contacts.extend((0..4).map(|_| (late_arrival, None)));
    let tally = tally_responses(cal, within_s, as_of, contacts);
    assert_eq!((tally.met, tally.missed, tally.pending), (230, 20, 4));
    // 230 / 250 = 92 % ≥ 90 %: met.
    let month: Month = "2026-10".parse().unwrap();
    let card = evaluate(
        &c,
        &MonthInput {
            month,
            fees: Money::from_cents(4_500_000),
            measures: [(
                "email-24h".to_string(),
                vec![PeriodMeasure {
                    first: month.first_day(),
                    value: tally.share(),
                    sample: tally.judged(),
                    offered: 254,
                    forecast_offered: None,
                }],
            )]
            .into(),
        },
        &[],
    )
    .unwrap();
    let t = card.term("email-24h").unwrap();
    assert_eq!(
        (t.verdict, t.actual_text()),
        (Verdict::Met, "92.0%".to_string())
    );
}

#[test]
fn northwind_invoice_with_volume_tiers_and_holiday_surcharge() {
    // December 2026: voice 13 000 calls, graduated: 8 000 × 3.40 = 27 200.00, 4 000 × 3.15 =
    // 12 600.00, 1 000 × 2.95 = 2 950.00; chat 5 000 × 2.60 = 13 000.00; email 3 000 × 1.90 =
    // 5 700.00; 400 voice calls on 25 and 28 December at 50 % × 3.40 = 1.70 → 680.00; monthly fee
    // 2 500.00. Fees 64 630.00.
    let c = load("northwind-bpo.toml");
    let inv = expected_invoice(
        &c,
        &Usage {
            handled_contacts: [
                (Channel::Voice, 13_000),
                (Channel::Chat, 5_000),
                (Channel::Email, 3_000),
            ]
            .into(),
            holiday_contacts: [(Channel::Voice, 400)].into(),
            ..Usage::empty("2026-12".parse().unwrap())
        },
    )
    .unwrap();
    expect![[r#"
        description,quantity,unit_price,amount
        "handled contacts voice, tier 1 (up to 8000)",8000,3.40,27200.00
        "handled contacts voice, tier 2 (over 8000 up to 12000)",4000,3.15,12600.00
        "handled contacts voice, tier 3 (over 12000)",1000,2.95,2950.00
        handled contacts chat,5000,2.60,13000.00
        handled contacts email,3000,1.90,5700.00
        holiday surcharge voice,400,1.70,680.00
        monthly fee,1,2500.00,2500.00
    "#]]
    .assert_eq(&inv.to_csv());
    assert_eq!(inv.fees().to_string(), "64630.00");
    let holidays = c.holidays("dublin-office").unwrap();
    assert!(holidays.contains(&jiff::civil::date(2026, 12, 28)));
}
