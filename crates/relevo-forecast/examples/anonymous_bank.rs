//! Backtests every method on the Anonymous Bank call log and prints the tables of
//! docs/FORECASTING.md:
//!
//! ```text
//! cargo run -p relevo-forecast --release --example anonymous_bank [-- PATH]
//! ```

#[path = "../tests/support/anonymous_bank.rs"]
mod anonymous_bank;

use relevo_forecast::{BacktestConfig, Exceptions, Interval, backtest};

/// The example is an edge: it reads the file the library never would.
#[allow(clippy::disallowed_methods)]
fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn main() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| anonymous_bank::DEFAULT_PATH.to_owned());
    let calls = anonymous_bank::parse(&read(&path)?).map_err(|e| format!("{path}: {e}"))?;
    println!(
        "{} offered calls over {} days from {:?} ({} PHANTOM calls left out)",
        calls.calls.len(),
        calls.days,
        calls.first_weekday,
        calls.phantom
    );
    for interval in [
        Interval::Min60,
        Interval::Min30,
        Interval::Min15,
        Interval::Min5,
    ] {
        let series = calls.series(interval, calls.days);
        let config = BacktestConfig {
            nested_auto_days: Some(7),
            ..BacktestConfig::new(14, 4)
        };
        let result = backtest(&series, &Exceptions::new(), &config).map_err(|e| e.to_string())?;
        println!(
            "\n{} intervals, origins = last {} days, horizon = 1 day",
            interval.label(),
            config.origin_days
        );
        print!("{}", result.render_table());
        if let Some((_, chosen)) = &result.nested_auto {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for name in chosen.iter().map(|m| m.name()) {
                match counts.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name, 1)),
                }
            }
            let counts: Vec<String> = counts.iter().map(|(n, c)| format!("{n} ×{c}")).collect();
            println!("nested choices over the origins: {}", counts.join(", "));
        }
    }
    Ok(())
}
