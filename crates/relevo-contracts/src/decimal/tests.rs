//! Parsing, formatting, rounding and apportioning of the fixed-point types.

use super::*;

#[test]
fn parse_and_format_round_trip() {
    let cases = [
        ("3.1", "3.10"),
        ("0.4275", "0.4275"),
        ("-12", "-12.00"),
        ("1500000", "1500000.00"),
        ("0.000001", "0.000001"),
    ];
    for (text, shown) in cases {
        let p: UnitPrice = text.parse().unwrap();
        assert_eq!(p.to_string(), shown, "{text}");
    }
    assert_eq!("1234.5".parse::<Quantity>().unwrap().to_string(), "1234.5");
    assert_eq!(Quantity::units(12_500).to_string(), "12500");
    assert_eq!("12.50".parse::<Money>().unwrap().cents(), 1250);
    assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
    assert_eq!("33.33".parse::<Pct>().unwrap().bp(), 3333);
    assert_eq!(Pct::from_bp(1200).to_string(), "12");
    assert_eq!("1.5".parse::<Multiplier>().unwrap().hundredths(), 150);
}

#[test]
fn parse_refuses_what_it_cannot_keep_exactly() {
    assert_eq!(
        "0.125".parse::<Money>().unwrap_err(),
        "\"0.125\" has more than 2 decimal places"
    );
    assert_eq!(
        "1e3".parse::<Money>().unwrap_err(),
        "not a decimal number: \"1e3\""
    );
    assert_eq!(
        "".parse::<Money>().unwrap_err(),
        "not a decimal number: \"\""
    );
    assert!("99999999999999999999".parse::<Money>().is_err());
}

#[test]
fn products_round_once_half_away_from_zero() {
    // 1234.5 minutes × 0.4275 = 527.74875 → 527.75
    let q: Quantity = "1234.5".parse().unwrap();
    let p: UnitPrice = "0.4275".parse().unwrap();
    assert_eq!(q.times(p).to_string(), "527.75");
    // 0.005 rounds away from zero both ways.
    assert_eq!(
        Quantity::units(1)
            .times(UnitPrice::from_micros(5_000))
            .cents(),
        1
    );
    assert_eq!(
        Quantity::units(-1)
            .times(UnitPrice::from_micros(5_000))
            .cents(),
        -1
    );
    // 12 % of 100 000.05 = 12 000.006 → 12 000.01
    assert_eq!(
        Money::from_cents(10_000_005)
            .pct(Pct::from_bp(1200))
            .to_string(),
        "12000.01"
    );
    // 100 s = 1.667 min (1.6666… rounded to the thousandth)
    assert_eq!(Quantity::from_seconds(100, 60).milli(), 1667);
    assert_eq!(
        UnitPrice::per(Money::from_cents(100), 3)
            .unwrap()
            .to_string(),
        "0.333333"
    );
    assert_eq!(UnitPrice::per(Money::from_cents(100), 0), None);
}

#[test]
fn apportion_sums_exactly_and_breaks_ties_by_order() {
    assert_eq!(apportion(&[1, 1, 1], 100), vec![34, 33, 33]);
    assert_eq!(
        apportion(&[720_000, 600_000], 1_200_000),
        vec![654_545, 545_455]
    );
    assert_eq!(apportion(&[0, 0], 10), vec![0, 0]);
    assert_eq!(apportion(&[5, 0, 5], 3), vec![2, 0, 1]);
}
