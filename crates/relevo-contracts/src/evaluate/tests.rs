//! Worked examples of the scorecard, each computed by hand in a comment: the at-risk cap, escalation,
//! earn-back, bonus tiers and their cap, stabilisation windows, volume-variance excusal, minimum
//! volume, day terms with allowed misses — and the inputs an evaluation refuses.

use super::*;
use expect_test::{Expect, expect};

/// Fees are 100 000.00 a month in every example, so the at-risk amount is 12 % × 100 000.00 =
/// 12 000.00 and a 1 % bonus is 1 000.00.
const CONTRACT: &str = r#"provider = "northwind-bpo"
version = 1
valid_from = 2026-01-01
valid_to = 2027-12-31
currency = "EUR"
timezone = "Europe/Madrid"
queues = ["billing-en", "tech-en"]
channels = ["voice", "chat", "email"]

[credits]
at_risk_pct = 12
pool_pct = 200
escalation_window_months = 6
escalation = [{ miss = 3, multiplier = 1.5 }, { miss = 4, multiplier = 2 }]

[bonuses]
cap_pct = 1.5

[[terms]]
id = "voice-sl"
metric = "service_level"
channels = ["voice"]
target = 0.80
min_volume = 500
critical = true
credit_allocation_pct = 60
volume_excusal_pct = 15
earn_back = { months = 2, target = 0.82 }

[[terms]]
id = "abandon"
metric = "abandon_rate"
channels = ["voice"]
target = 0.05
min_volume = 500
critical = true
credit_allocation_pct = 50

[[terms]]
id = "chat-asa"
metric = "asa_s"
channels = ["chat"]
period = "day"
target = 60
min_volume = 20
allowed_misses = 2
critical = true
credit_allocation_pct = 30

[[terms]]
id = "csat"
metric = "csat_top2"
target = 0.80
min_volume = 200
bonus = [{ at = 0.85, pct = 1 }, { at = 0.90, pct = 2 }]

[[stabilisation]]
from = 2026-01-01
to = 2026-02-28
relax = { voice-sl = { target = 0.70 }, abandon = { delta = 0.03 } }
"#;

fn contract() -> Contract {
    Contract::parse(CONTRACT).unwrap()
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

/// A month-period measure: value and sample (offered = sample, no forecast).
fn monthly(m: &str, value: f64, sample: u64) -> PeriodMeasure {
    PeriodMeasure {
        first: month(m).first_day(),
        value: Some(value),
        sample,
        offered: sample,
        forecast_offered: None,
    }
}

fn input(m: &str, measures: Vec<(&str, Vec<PeriodMeasure>)>) -> MonthInput {
    MonthInput {
        month: month(m),
        fees: Money::from_cents(10_000_000),
        measures: measures
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn check(card: &Scorecard, expect: Expect) {
    expect.assert_eq(&card.render());
}

/// One line per month of a series: the money columns of one term.
fn series_line(s: &Scorecard, term: &str) -> String {
    let t = s.term(term).unwrap();
    let eb: Vec<String> = s
        .earn_backs
        .iter()
        .map(|e| format!("{}:{:?}", e.credit_month, e.state))
        .collect();
    format!(
        "{} {:<7} {:<8} misses={} ×{} credit={} earned_back={} [{}]\n",
        s.month,
        t.actual_text(),
        t.verdict,
        t.misses_in_window,
        t.multiplier,
        t.credit,
        s.earned_back,
        eb.join(" ")
    )
}

#[test]
fn two_critical_misses_and_the_at_risk_cap_binds() {
    // May 2026, fees 100 000.00 → at risk 12 % = 12 000.00.
    //   voice-sl 76.0 % < 80 %: missed, 1st miss → 60 % × 12 000.00 × 1 = 7 200.00
    //   abandon   7.1 % >  5 %: missed, 1st miss → 50 % × 12 000.00 × 1 = 6 000.00
    //   chat-asa: 1 of 31 days over 60 s, 2 allowed → met
    //   csat 83 %: met, below the first bonus tier (85 %)
    // Credits before the cap 13 200.00 > 12 000.00: the cap binds and the 12 000.00 is shared in
    // proportion 7 200 : 6 000 → 6 545.4545… and 5 454.5454…; in cents 654 545 and 545 454 with one
    // cent left, which goes to the larger remainder (.54 > .45): 6 545.45 + 5 454.55 = 12 000.00.
    let days: Vec<PeriodMeasure> = Period::Day
        .spans_in(month("2026-05"))
        .iter()
        .map(|s| PeriodMeasure {
            first: s.first,
            value: Some(if s.first.day() == 12 { 75.0 } else { 41.5 }),
            sample: 300,
            offered: 320,
            forecast_offered: None,
        })
        .collect();
    let card = evaluate(
        &contract(),
        &input(
            "2026-05",
            vec![
                ("voice-sl", vec![monthly("2026-05", 0.76, 9_800)]),
                ("abandon", vec![monthly("2026-05", 0.071, 10_400)]),
                ("chat-asa", days),
                ("csat", vec![monthly("2026-05", 0.83, 900)]),
            ],
        ),
        &[],
    )
    .unwrap();
    check(
        &card,
        expect![[r#"
            northwind-bpo v1 · 2026-05 · EUR
            fees 100000.00 · at risk 12000.00
            term      kind  metric         target    actual            sample  verdict  ×  credit   bonus  note
            voice-sl  CSL   service_level  ≥ 80.0%   76.0%             9800    missed   1  6545.45  0.00   credit reduced by the at-risk cap
            abandon   CSL   abandon_rate   ≤ 5.0%    7.1%              10400   missed   1  5454.55  0.00   credit reduced by the at-risk cap
            chat-asa  CSL   asa_s          ≤ 60.0 s  1/31 days missed  9300    met      -  0.00     0.00   1 of 31 judged days missed (allowed 2)
            csat      KPI   csat_top2      ≥ 80.0%   83.0%             900     met      -  0.00     0.00
            credits 12000.00 (before cap 13200.00; the at-risk cap of 12000.00 binds)
            bonuses 0.00
            earn-back voice-sl credit of 2026-05 6545.45: pending, 0 of 2 months met
            earned back 0.00 · net adjustment -12000.00
        "#]],
    );
    assert!(card.cap_binds);
    assert_eq!(card.credits_before_cap.to_string(), "13200.00");
}

#[test]
fn credits_escalate_on_the_third_miss_in_six_months() {
    // voice-sl without earn-back, so only escalation shows. The window is the month and the five
    // before it; steps: 3rd miss × 1.5, 4th and later × 2. Base credit 60 % × 12 000.00 = 7 200.00.
    //   2026-04 78 % miss; misses in Nov–Apr: Apr            = 1 → × 1   =  7 200.00
    //   2026-05 81 % met
    //   2026-06 77 % miss; Jan–Jun: Apr, Jun                  = 2 → × 1   =  7 200.00
    //   2026-07 80 % met (exactly on target)
    //   2026-08 79 % miss; Mar–Aug: Apr, Jun, Aug             = 3 → × 1.5 = 10 800.00
    //   2026-09 85 % met
    //   2026-10 75 % miss; May–Oct: Jun, Aug, Oct (Apr left)  = 3 → × 1.5 = 10 800.00
    //   2026-11 70 % miss; Jun–Nov: Jun, Aug, Oct, Nov        = 4 → × 2   = 14 400.00,
    //           over the 12 000.00 at risk: capped to 12 000.00
    let c = Contract::parse(&CONTRACT.replace("earn_back = { months = 2, target = 0.82 }\n", ""))
        .unwrap();
    let values = [
        ("2026-04", 0.78),
        ("2026-05", 0.81),
        ("2026-06", 0.77),
        ("2026-07", 0.80),
        ("2026-08", 0.79),
        ("2026-09", 0.85),
        ("2026-10", 0.75),
        ("2026-11", 0.70),
    ];
    let inputs: Vec<MonthInput> = values
        .iter()
        .map(|(m, v)| input(m, vec![("voice-sl", vec![monthly(m, *v, 10_000)])]))
        .collect();
    let cards = evaluate_months(&c, &inputs, &[]).unwrap();
    let out: String = cards.iter().map(|s| series_line(s, "voice-sl")).collect();
    expect![[r#"
        2026-04 78.0%   missed   misses=1 ×1 credit=7200.00 earned_back=0.00 []
        2026-05 81.0%   met      misses=0 ×1 credit=0.00 earned_back=0.00 []
        2026-06 77.0%   missed   misses=2 ×1 credit=7200.00 earned_back=0.00 []
        2026-07 80.0%   met      misses=0 ×1 credit=0.00 earned_back=0.00 []
        2026-08 79.0%   missed   misses=3 ×1.5 credit=10800.00 earned_back=0.00 []
        2026-09 85.0%   met      misses=0 ×1 credit=0.00 earned_back=0.00 []
        2026-10 75.0%   missed   misses=3 ×1.5 credit=10800.00 earned_back=0.00 []
        2026-11 70.0%   missed   misses=4 ×2 credit=12000.00 earned_back=0.00 []
    "#]]
    .assert_eq(&out);
    let nov = cards.last().unwrap();
    assert!(nov.cap_binds);
    assert_eq!(
        nov.term("voice-sl").unwrap().credit_before_cap.to_string(),
        "14400.00"
    );
}

#[test]
fn a_credit_is_earned_back_after_two_good_months() {
    // Earn-back: 2 months at ≥ 82 % (stricter than the 80 % target) after the miss.
    //   2026-07 78 %: miss → credit 7 200.00; its earn-back is pending 0 of 2
    //   2026-08 83 %: ≥ 82 % → pending 1 of 2
    //   2026-09 84.5 %: ≥ 82 % → 2 of 2: the July credit, 7 200.00, is earned back on September's
    //           invoice (net adjustment +7 200.00)
    //   2026-10 77 %: miss → credit 7 200.00 (2nd miss in May–Oct, × 1)
    //   2026-11 81 %: meets the 80 % target but not the 82 % earn-back target → October's credit
    //           is forfeited
    let values = [
        ("2026-07", 0.78),
        ("2026-08", 0.83),
        ("2026-09", 0.845),
        ("2026-10", 0.77),
        ("2026-11", 0.81),
    ];
    let inputs: Vec<MonthInput> = values
        .iter()
        .map(|(m, v)| input(m, vec![("voice-sl", vec![monthly(m, *v, 10_000)])]))
        .collect();
    let cards = evaluate_months(&contract(), &inputs, &[]).unwrap();
    let out: String = cards.iter().map(|s| series_line(s, "voice-sl")).collect();
    expect![[r#"
        2026-07 78.0%   missed   misses=1 ×1 credit=7200.00 earned_back=0.00 [2026-07:Pending { met: 0, needed: 2 }]
        2026-08 83.0%   met      misses=0 ×1 credit=0.00 earned_back=0.00 [2026-07:Pending { met: 1, needed: 2 }]
        2026-09 84.5%   met      misses=0 ×1 credit=0.00 earned_back=7200.00 [2026-07:Earned]
        2026-10 77.0%   missed   misses=2 ×1 credit=7200.00 earned_back=0.00 [2026-10:Pending { met: 0, needed: 2 }]
        2026-11 81.0%   met      misses=0 ×1 credit=0.00 earned_back=0.00 [2026-10:Forfeited]
    "#]]
    .assert_eq(&out);
    assert_eq!(cards[2].net_adjustment().to_string(), "7200.00");
    check(
        &cards[2],
        expect![[r#"
            northwind-bpo v1 · 2026-09 · EUR
            fees 100000.00 · at risk 12000.00
            term      kind  metric         target    actual           sample  verdict     ×  credit  bonus  note
            voice-sl  CSL   service_level  ≥ 80.0%   84.5%            10000   met         -  0.00    0.00
            abandon   CSL   abandon_rate   ≤ 5.0%    -                0       not_judged  -  0.00    0.00   no measurement
            chat-asa  CSL   asa_s          ≤ 60.0 s  0/0 days missed  0       not_judged  -  0.00    0.00   no judged days
            csat      KPI   csat_top2      ≥ 80.0%   -                0       not_judged  -  0.00    0.00   no measurement
            credits 0.00
            bonuses 0.00
            earn-back voice-sl credit of 2026-07 7200.00: earned back
            earned back 7200.00 · net adjustment 7200.00
        "#]],
    );
}

#[test]
fn bonus_tiers_pay_the_strictest_tier_reached_within_the_cap() {
    // csat tiers: ≥ 85 % pays 1 % of fees, ≥ 90 % pays 2 %; bonuses are capped at 1.5 % of fees.
    //   2026-05 87 %: tier 1 → 1 % × 100 000.00 = 1 000.00 (under the 1 500.00 cap)
    //   2026-06 92 %: tier 2 → 2 % × 100 000.00 = 2 000.00, capped to 1 500.00
    //   2026-07 92 % on 150 responses: below the 200 minimum → not judged, no bonus
    let c = contract();
    let may = evaluate(
        &c,
        &input(
            "2026-05",
            vec![("csat", vec![monthly("2026-05", 0.87, 1_200)])],
        ),
        &[],
    )
    .unwrap();
    let jun = evaluate(
        &c,
        &input(
            "2026-06",
            vec![("csat", vec![monthly("2026-06", 0.92, 1_200)])],
        ),
        &[],
    )
    .unwrap();
    let jul = evaluate(
        &c,
        &input(
            "2026-07",
            vec![("csat", vec![monthly("2026-07", 0.92, 150)])],
        ),
        &[],
    )
    .unwrap();
    let line = |s: &Scorecard| {
        let t = s.term("csat").unwrap();
        format!(
            "{} {} {} bonus {} of {} (cap binds: {}) {}\n",
            s.month,
            t.actual_text(),
            t.verdict,
            t.bonus,
            t.bonus_before_cap,
            s.bonus_cap_binds,
            t.note
        )
    };
    expect![[r#"
        2026-05 87.0% met bonus 1000.00 of 1000.00 (cap binds: false) bonus tier ≥ 85.0%
        2026-06 92.0% met bonus 1500.00 of 2000.00 (cap binds: true) bonus tier ≥ 90.0%
        2026-07 92.0% not_judged bonus 0.00 of 0.00 (cap binds: false) volume 150 below the minimum 200
    "#]]
    .assert_eq(&(line(&may) + &line(&jun) + &line(&jul)));
    assert_eq!(jun.net_adjustment().to_string(), "1500.00");
}

#[test]
fn bonuses_can_require_every_critical_term_met() {
    let c = Contract::parse(&CONTRACT.replace(
        "cap_pct = 1.5",
        "cap_pct = 1.5\nrequires_all_critical_met = true",
    ))
    .unwrap();
    let s = evaluate(
        &c,
        &input(
            "2026-05",
            vec![
                ("csat", vec![monthly("2026-05", 0.87, 1_200)]),
                ("abandon", vec![monthly("2026-05", 0.06, 9_000)]),
            ],
        ),
        &[],
    )
    .unwrap();
    assert_eq!(s.bonuses, Money::ZERO);
    assert_eq!(
        s.bonus_withheld.as_deref(),
        Some("critical terms missed: abandon")
    );
    assert_eq!(s.term("csat").unwrap().note, "bonus withheld");
}

#[test]
fn a_stabilisation_window_relaxes_targets_and_suspends_credits() {
    // The window runs 2026-01-01..2026-02-28: voice-sl's target is 70 % instead of 80 %, abandon's
    // ceiling 5 % + 3 points = 8 %, and credits are suspended.
    //   2026-02 voice-sl 72 %: met against 70 %
    //           abandon 9 %: missed against 8 %, but the credit is suspended → 0.00
    //   2026-03 (after the window) abandon 6 %: missed against 5 % → 6 000.00; the suspended
    //           February miss does not count toward escalation (misses in window = 1)
    let c = contract();
    let cards = evaluate_months(
        &c,
        &[
            input(
                "2026-02",
                vec![
                    ("voice-sl", vec![monthly("2026-02", 0.72, 8_000)]),
                    ("abandon", vec![monthly("2026-02", 0.09, 8_300)]),
                ],
            ),
            input(
                "2026-03",
                vec![("abandon", vec![monthly("2026-03", 0.06, 8_300)])],
            ),
        ],
        &[],
    )
    .unwrap();
    check(
        &cards[0],
        expect![[r#"
            northwind-bpo v1 · 2026-02 · EUR
            stabilisation window 2026-01-01..2026-02-28
            fees 100000.00 · at risk 12000.00
            term      kind  metric         target    actual           sample  verdict     ×  credit  bonus  note
            voice-sl  CSL   service_level  ≥ 70.0%*  72.0%            8000    met         -  0.00    0.00   target relaxed to 70.0%
            abandon   CSL   abandon_rate   ≤ 8.0%*   9.0%             8300    missed      -  0.00    0.00   credit suspended: stabilisation window (2026-01-01..2026-02-28); target relaxed to 8.0%
            chat-asa  CSL   asa_s          ≤ 60.0 s  0/0 days missed  0       not_judged  -  0.00    0.00   no judged days
            csat      KPI   csat_top2      ≥ 80.0%   -                0       not_judged  -  0.00    0.00   no measurement
            credits 0.00
            bonuses 0.00
            earned back 0.00 · net adjustment 0.00
        "#]],
    );
    let mar = cards[1].term("abandon").unwrap();
    assert_eq!(
        (mar.verdict, mar.misses_in_window, mar.credit.to_string()),
        (Verdict::Missed, 1, "6000.00".to_string())
    );
}

#[test]
fn a_miss_is_excused_when_volume_beats_the_forecast_by_more_than_the_limit() {
    // voice-sl tolerates offered volume up to 15 % over the client's forecast of 11 000.
    //   offered 13 000: 13 000 / 11 000 − 1 = 18.2 % > 15 % → 74 % is excused, no credit
    //   offered 12 600: 14.5 % ≤ 15 % → 74 % is missed, 7 200.00
    //   (the integer test is offered × 10 000 > forecast × 11 500: 130 000 000 > 126 500 000)
    let c = contract();
    let run = |offered: u64| {
        let m = PeriodMeasure {
            offered,
            forecast_offered: Some(11_000),
            ..monthly("2026-06", 0.74, offered - 400)
        };
        let s = evaluate(&c, &input("2026-06", vec![("voice-sl", vec![m])]), &[]).unwrap();
        let t = s.term("voice-sl").unwrap().clone();
        format!("{} credit {} {}", t.verdict, t.credit, t.note)
            .trim_end()
            .to_string()
            + "\n"
    };
    expect![[r#"
        excused credit 0.00 excused: offered 13000 is 18.2% over the forecast 11000 (limit 15%)
        missed credit 7200.00
    "#]]
    .assert_eq(&(run(13_000) + &run(12_600)));
}

#[test]
fn day_terms_miss_the_month_beyond_the_allowed_misses() {
    // chat-asa is judged daily, 2 missed days a month allowed. In June 2026 (30 days): days 1–3
    // over 60 s, day 4 has 12 chats (below the minimum of 20: not judged), the rest fine → 3 of 29
    // judged days missed > 2 → the month is missed: 30 % × 12 000.00 = 3 600.00.
    let days: Vec<PeriodMeasure> = Period::Day
        .spans_in(month("2026-06"))
        .iter()
        .map(|s| {
            let d = s.first.day();
            PeriodMeasure {
                first: s.first,
                value: Some(if d <= 3 { 95.0 } else { 30.0 }),
                sample: if d == 4 { 12 } else { 250 },
                offered: 260,
                forecast_offered: None,
            }
        })
        .collect();
    let s = evaluate(
        &contract(),
        &input("2026-06", vec![("chat-asa", days)]),
        &[],
    )
    .unwrap();
    let t = s.term("chat-asa").unwrap();
    assert_eq!(
        (
            t.verdict,
            t.actual_text(),
            t.credit.to_string(),
            t.note.as_str()
        ),
        (
            Verdict::Missed,
            "3/29 days missed".to_string(),
            "3600.00".to_string(),
            "3 of 29 judged days missed (allowed 2)"
        )
    );
    assert_eq!(
        t.periods[3].reason.as_deref(),
        Some("volume 12 below the minimum 20")
    );
}

#[test]
fn inputs_an_evaluation_refuses() {
    let c = contract();
    let err = |i: MonthInput| evaluate(&c, &i, &[]).unwrap_err().to_string();
    expect![[r#"northwind-bpo v1 is not valid in 2028-01 (2026-01-01..2027-12-31)"#]]
        .assert_eq(&err(input("2028-01", vec![])));
    expect![[r#"measures given for unknown term "nps""#]]
        .assert_eq(&err(input("2026-05", vec![("nps", vec![])])));
    expect![[r#"term "voice-sl": no month period of 2026-05 starts on 2026-04-01"#]].assert_eq(
        &err(input(
            "2026-05",
            vec![("voice-sl", vec![monthly("2026-04", 0.9, 900)])],
        )),
    );
    let twice = input("2026-05", vec![]);
    let s = evaluate(&c, &twice, &[]).unwrap();
    expect!["history holds two scorecards for 2026-05"].assert_eq(
        &evaluate(&c, &input("2026-06", vec![]), &[s.clone(), s])
            .unwrap_err()
            .to_string(),
    );
}
