//! The scorecard as a plain-text table (what `relevo scorecard` prints and the tests snapshot).

use super::*;

/// Left-aligned columns, two spaces apart; the last column is not padded.
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

impl TermResult {
    /// The actual as shown: the month's value, or the count of missed periods.
    pub fn actual_text(&self) -> String {
        match (self.period, self.actual) {
            (Period::Month, Some(v)) => format_value(self.metric, v),
            (Period::Month, None) => "-".into(),
            _ => format!(
                "{}/{} {}s missed",
                self.missed_periods, self.judged_periods, self.period
            ),
        }
    }

    pub fn target_text(&self) -> String {
        let t = self.relaxed_target.unwrap_or(self.target);
        let mut s = format!(
            "{} {}",
            self.direction.symbol(),
            format_value(self.metric, t)
        );
        if self.relaxed_target.is_some() {
            s.push('*');
        }
        s
    }
}

impl Scorecard {
    /// A readable table of the month: one row per term, then the money.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} v{} · {} · {}\n",
            self.provider, self.version, self.month, self.currency
        );
        if !self.stabilisation.is_empty() {
            let w: Vec<String> = self
                .stabilisation
                .iter()
                .map(|(a, b)| format!("{a}..{b}"))
                .collect();
            out.push_str(&format!("stabilisation window {}\n", w.join(", ")));
        }
        out.push_str(&format!("fees {} · at risk {}\n", self.fees, self.at_risk));
        let mut rows = vec![
            [
                "term", "kind", "metric", "target", "actual", "sample", "verdict", "×", "credit",
                "bonus", "note",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for t in &self.terms {
            rows.push(vec![
                t.id.clone(),
                if t.critical { "CSL" } else { "KPI" }.into(),
                t.metric.to_string(),
                t.target_text(),
                t.actual_text(),
                t.sample.to_string(),
                t.verdict.to_string(),
                if t.credit_bearing_miss {
                    t.multiplier.to_string()
                } else {
                    "-".into()
                },
                t.credit.to_string(),
                t.bonus.to_string(),
                t.note.clone(),
            ]);
        }
        out.push_str(&table(&rows));
        out.push_str(&format!(
            "credits {}{}\n",
            self.credits,
            if self.cap_binds {
                format!(
                    " (before cap {}; the at-risk cap of {} binds)",
                    self.credits_before_cap, self.at_risk
                )
            } else {
                String::new()
            }
        ));
        let mut b = format!("bonuses {}", self.bonuses);
        if self.bonus_cap_binds {
            b.push_str(&format!(
                " (before cap {}; the bonus cap of {} binds)",
                self.bonuses_before_cap,
                self.bonus_cap.unwrap_or_default()
            ));
        }
        if let Some(w) = &self.bonus_withheld {
            b.push_str(&format!(" (withheld: {w})"));
        }
        out.push_str(&b);
        out.push('\n');
        for e in &self.earn_backs {
            let state = match e.state {
                EarnBackState::Pending { met, needed } => {
                    format!("pending, {met} of {needed} months met")
                }
                EarnBackState::Earned => "earned back".into(),
                EarnBackState::Forfeited => "forfeited".into(),
            };
            out.push_str(&format!(
                "earn-back {} credit of {} {}: {state}\n",
                e.term, e.credit_month, e.credit
            ));
        }
        out.push_str(&format!(
            "earned back {} · net adjustment {}\n",
            self.earned_back,
            self.net_adjustment()
        ));
        out
    }
}
