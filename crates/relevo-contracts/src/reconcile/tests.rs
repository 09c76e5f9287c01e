//! Reconciliation of vendor invoices with the expected one, and the vendor CSV's errors.

use super::*;
use crate::contract::Contract;
use crate::invoice::{Usage, expected_invoice};
use expect_test::expect;

const CONTRACT: &str = r#"provider = "northwind-bpo"
version = 1
valid_from = 2026-01-01
valid_to = 2026-12-31
currency = "EUR"
timezone = "Europe/Madrid"
queues = ["billing-en"]

[pricing]
per_contact = { voice = { price = 3.10 } }
per_minute = { tiers = [{ up_to = 100000, price = 0.45 }, { price = 0.42 }] }
monthly_fee = 1500
"#;

/// March: 10 000 voice contacts, 150 000.5 minutes.
///   handled contacts voice                 10 000   × 3.10 = 31 000.00
///   handled minutes, tier 1 (up to 100000)    100 000   × 0.45 = 45 000.00
///   handled minutes, tier 2 (over 100000)  50 000.5 × 0.42 = 21 000.21
///   monthly fee                                              1 500.00
///   total                                                   98 500.21
fn expected() -> Invoice {
    let c = Contract::parse(CONTRACT).unwrap();
    let mut u = Usage::empty("2026-03".parse().unwrap());
    u.handled_contacts
        .insert(relevo_core::Channel::Voice, 10_000);
    u.handled_s = 9_000_030;
    expected_invoice(&c, &u).unwrap()
}

fn run(csv: &str) -> String {
    let billed = parse_billed_csv(csv).unwrap();
    reconcile(&expected(), &billed, &Tolerance::default()).render()
}

#[test]
fn a_matching_invoice_is_clean_within_a_cent() {
    // The vendor rounds tier 2 to 21 000.20 (a cent under) and writes descriptions in its own case
    // and spacing: within the 0.01 tolerance, nothing to report.
    let csv = "description,quantity,unit_price,amount\n\
               Handled contacts voice,10000,3.10,31000.00\n\
               \"handled minutes,  tier 1 (up to 100000)\",100000,0.45,45000.00\n\
               \"handled minutes, tier 2 (over 100000)\",50000.5,0.42,21000.20\n\
               monthly fee,1,1500,1500.00\n";
    let billed = parse_billed_csv(csv).unwrap();
    let r = reconcile(&expected(), &billed, &Tolerance::default());
    assert!(r.is_clean(), "{}", r.render());
    assert_eq!(r.over_billed().to_string(), "-0.01");
    // The expected invoice's own CSV reconciles with itself.
    let own = parse_billed_csv(&expected().to_csv()).unwrap();
    assert!(reconcile(&expected(), &own, &Tolerance::default()).is_clean());
}

#[test]
fn one_over_billed_line() {
    // The vendor bills 52 000.5 tier-2 minutes instead of 50 000.5: 52 000.5 × 0.42 = 21 840.21,
    // 840.00 more than expected. Its line is internally consistent, so only quantity and amount
    // differ; the total is over by the same 840.00.
    let csv = "description,quantity,unit_price,amount\n\
               handled contacts voice,10000,3.10,31000.00\n\
               \"handled minutes, tier 1 (up to 100000)\",100000,0.45,45000.00\n\
               \"handled minutes, tier 2 (over 100000)\",52000.5,0.42,21840.21\n\
               monthly fee,1,1500.00,1500.00\n";
    expect![[r#"
        line 4: "handled minutes, tier 2 (over 100000)": quantity 52000.5, expected 50000.5
        line 4: "handled minutes, tier 2 (over 100000)": amount 21840.21, expected 21000.21 (over by 840.00)
        expected total  98500.21
        billed total    99340.21
        difference      840.00
    "#]]
    .assert_eq(&run(csv));
}

#[test]
fn every_kind_of_difference_is_listed() {
    // A higher unit price on voice, a line that does not add up, an unexpected "platform fee", and
    // the monthly fee left out.
    let csv = "unit_price,description,amount,quantity\n\
               3.25,handled contacts voice,32500.00,10000\n\
               0.45,handled minutes, tier 1 (up to 100000),45500.00,100000\n\
               0.42,\"handled minutes, tier 2 (over 100000)\",21000.21,50000.5\n\
               \n\
               990,platform fee,990.00,1\n";
    let csv = csv.replace(
        "handled minutes, tier 1 (up to 100000)",
        "\"handled minutes, tier 1 (up to 100000)\"",
    );
    expect![[r#"
        line 2: "handled contacts voice": unit price 3.25, expected 3.10
        line 2: "handled contacts voice": amount 32500.00, expected 31000.00 (over by 1500.00)
        line 3: "handled minutes, tier 1 (up to 100000)": amount 45500.00, expected 45000.00 (over by 500.00)
        line 6: extra: "platform fee" billed 1 × 990.00 = 990.00
        line 3: "handled minutes, tier 1 (up to 100000)": amount 45500.00 is not quantity × unit price = 45000.00
        missing: "monthly fee" expected 1 × 1500.00 = 1500.00
        expected total  98500.21
        billed total    99990.21
        difference      1490.00
    "#]]
    .assert_eq(&run(&csv));
}

#[test]
fn csv_errors_name_the_line_and_column() {
    let err = |s: &str| parse_billed_csv(s).unwrap_err().to_string();
    expect![[r#"line 3: column "amount": not a decimal number: "1,500.00""#]].assert_eq(&err(
        "description,quantity,unit_price,amount\nfee,1,1500,1500\nfee,1,1500,\"1,500.00\"\n",
    ));
    expect![[r#"line 1: required column "amount" is missing"#]]
        .assert_eq(&err("description,quantity,unit_price\n"));
    expect![[
        r#"line 1: unknown column "vat" (expected description, quantity, unit_price, amount)"#
    ]]
    .assert_eq(&err("description,quantity,unit_price,amount,vat\n"));
    expect!["line 2: 3 fields, the header has 4"]
        .assert_eq(&err("description,quantity,unit_price,amount\nfee,1,1500\n"));
    expect!["line 2: unterminated quoted field"].assert_eq(&err(
        "description,quantity,unit_price,amount\n\"fee,1,1500,1500\n",
    ));
    expect![[r#"line 2: column "unit_price": "0.1234567" has more than 6 decimal places"#]]
        .assert_eq(&err(
            "description,quantity,unit_price,amount\r\nfee,1,0.1234567,0.12\r\n",
        ));
    expect!["line 1: empty file: expected the header description,quantity,unit_price,amount"]
        .assert_eq(&err(""));
}

#[test]
fn billed_lines_round_trip_through_csv() {
    let lines = parse_billed_csv(
        "description,quantity,unit_price,amount\n\"a \"\"quoted\"\", b\",2,0.5,1.00\n",
    )
    .unwrap();
    assert_eq!(lines[0].description, "a \"quoted\", b");
    assert_eq!(
        billed_csv(&lines),
        "description,quantity,unit_price,amount\n\"a \"\"quoted\"\", b\",2,0.50,1.00\n"
    );
}
