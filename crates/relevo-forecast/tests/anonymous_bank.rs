//! The forecasting methods on real data: the Anonymous Bank call log of February 1999.
//!
//! The file is in the repository, `test_data/anonymous_bank/` (3.4 MB, its provenance beside it);
//! see `support/anonymous_bank.rs` for how calls become intervals.

mod support {
    pub mod anonymous_bank;
}

use relevo_forecast::{BacktestConfig, Exceptions, Interval, Method, Weekday, backtest};
use support::anonymous_bank::{self, DEFAULT_PATH};

/// The one place this test reads a file.
#[allow(clippy::disallowed_methods)]
fn calls() -> anonymous_bank::Calls {
    let text =
        std::fs::read_to_string(DEFAULT_PATH).unwrap_or_else(|e| panic!("{DEFAULT_PATH}: {e}"));
    anonymous_bank::parse(&text).unwrap_or_else(|e| panic!("{DEFAULT_PATH}: {e}"))
}

#[test]
fn parser_reads_the_sample_format_and_names_bad_values() {
    let header = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\r\n";
    let ok = format!(
        "{header}AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT\r\n\
         AA0101\t2\t0\t0\tPS\t990201\t23:59:58\t0:00:04\t6\t0:00:04\t0:00:09\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\r\n\
         AA0101\t3\t0\t0\tPS\t990201\t8:00:00\t8:00:05\t5\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER\r\n"
    );
    let calls = anonymous_bank::parse(&ok).unwrap();
    assert_eq!(
        (calls.first_weekday, calls.days, calls.phantom),
        (Weekday::Monday, 2, 1)
    );
    assert_eq!(calls.calls[0].ser_time_s, Some(166));
    // The second call left the VRU after midnight: day 1, 4 s.
    assert_eq!(
        (
            calls.calls[1].day,
            calls.calls[1].vru_exit_s,
            calls.calls[1].ser_time_s
        ),
        (1, 4, None)
    );
    let bad = format!(
        "{header}AA0101\t1\t0\t0\tPS\t990231\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:02:55\t7:05:41\t166\tDORIT\r\n"
    );
    assert_eq!(
        anonymous_bank::parse(&bad).unwrap_err(),
        "line 2, column \"date\": not a yymmdd date: \"990231\""
    );
}

#[test]
fn the_february_file_has_the_known_shape() {
    let calls = calls();
    assert_eq!(
        (calls.calls.len(), calls.phantom, calls.first_weekday),
        (33_066, 278, Weekday::Monday)
    );
    // No call of the 28th left the VRU after midnight, so exactly the 28 days of February.
    assert_eq!(calls.days, 28);
    let series = calls.series(Interval::Min60, 28);
    let day_total = |d: usize| series.offered()[d * 24..(d + 1) * 24].iter().sum::<f64>();
    // Sunday–Thursday busy, Friday short, Saturday near zero (Israel).
    for week in 0..4 {
        let busy: Vec<f64> = [0, 1, 2, 3, 6]
            .iter()
            .map(|d| day_total(7 * week + d))
            .collect();
        let (friday, saturday) = (day_total(7 * week + 4), day_total(7 * week + 5));
        assert!(busy.iter().all(|b| *b > 1000.0), "{busy:?}");
        assert!(
            (300.0..700.0).contains(&friday) && saturday < 300.0,
            "{friday} {saturday}"
        );
    }
    let aht = series.aht_s().unwrap();
    let weighted: f64 = series
        .offered()
        .iter()
        .zip(aht)
        .map(|(y, a)| y * a)
        .sum::<f64>()
        / series.offered().iter().sum::<f64>();
    assert!((100.0..300.0).contains(&weighted), "{weighted}");
}

/// The automatic choice beats seasonal naive at 60 and 15 minutes, both as "the lowest wMAPE of
/// the backtest" and as the nested choice made before each origin.
#[test]
fn automatic_choice_beats_seasonal_naive() {
    let calls = calls();
    for interval in [Interval::Min60, Interval::Min15] {
        let series = calls.series(interval, 28);
        let config = BacktestConfig {
            nested_auto_days: Some(7),
            ..BacktestConfig::new(14, 4)
        };
        let b = backtest(&series, &Exceptions::new(), &config).unwrap();
        let table = b.render_table();
        let wmape = |a: Option<relevo_forecast::Accuracy>| a.and_then(|a| a.wmape).unwrap();
        let naive = wmape(b.scores[0].accuracy);
        assert_eq!(b.scores[0].method, Method::SeasonalNaive);
        assert!(
            wmape(b.scores[b.chosen].accuracy) < naive,
            "{}\n{table}",
            interval.label()
        );
        assert_ne!(b.chosen_method(), Method::SeasonalNaive);
        let (nested, _) = b.nested_auto.clone().unwrap();
        assert!(wmape(nested) < naive, "{}\n{table}", interval.label());
        // MASE below 1 too: better than last week's in-sample copy.
        assert!(
            b.scores[b.chosen].accuracy.unwrap().mase.unwrap() < 1.0,
            "{table}"
        );
    }
}
