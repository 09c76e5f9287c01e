//! The KPIs a guardrail can watch — every DESIGN.md §4 KPI that has a direction (better when
//! higher, or better when lower) — and the window of measured values a gate is checked against.
//!
//! Not here: computing the values (the binary streams the store's interval cube through
//! `relevo-metrics` and hands the result in through [`WindowKpis::from_kpis`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A KPI with a direction; names are the report's CSV column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Fraction in [0, 1] answered within the threshold; higher is better.
    ServiceLevel,
    /// Average speed of answer, seconds; lower is better.
    AsaS,
    /// Fraction in [0, 1] of offered contacts (short abandons excluded) abandoned; lower is better.
    AbandonRate,
    /// Average handle time (talk + hold + after-contact work), seconds; lower is better.
    AhtS,
    TalkS,
    HoldS,
    AcwS,
    /// 90th percentile of answered waits, whole seconds; lower is better.
    P90AnswerS,
    /// Fraction in [0, 1] of answered contacts transferred; lower is better.
    TransferRate,
    /// Fraction in [0, 1] of survey answers that are 4 or 5; higher is better.
    CsatTop2,
    /// Mean CSAT on 1–5; higher is better.
    CsatMean,
    /// Net promoter score in [−100, 100]; higher is better.
    Nps,
    /// Mean QA score in [0, 100]; higher is better.
    QaMean,
    /// Fraction in [0, 1] of answered contacts resolved at first contact; higher is better.
    Fcr,
}

impl Kpi {
    pub const ALL: [Kpi; 14] = [
        Kpi::ServiceLevel,
        Kpi::AsaS,
        Kpi::AbandonRate,
        Kpi::AhtS,
        Kpi::TalkS,
        Kpi::HoldS,
        Kpi::AcwS,
        Kpi::P90AnswerS,
        Kpi::TransferRate,
        Kpi::CsatTop2,
        Kpi::CsatMean,
        Kpi::Nps,
        Kpi::QaMean,
        Kpi::Fcr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kpi::ServiceLevel => "service_level",
            Kpi::AsaS => "asa_s",
            Kpi::AbandonRate => "abandon_rate",
            Kpi::AhtS => "aht_s",
            Kpi::TalkS => "talk_s",
            Kpi::HoldS => "hold_s",
            Kpi::AcwS => "acw_s",
            Kpi::P90AnswerS => "p90_answer_s",
            Kpi::TransferRate => "transfer_rate",
            Kpi::CsatTop2 => "csat_top2",
            Kpi::CsatMean => "csat_mean",
            Kpi::Nps => "nps",
            Kpi::QaMean => "qa_mean",
            Kpi::Fcr => "fcr",
        }
    }

    /// Whether a larger value is better (a guardrail then gives a minimum, else a maximum).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Kpi::ServiceLevel | Kpi::CsatTop2 | Kpi::CsatMean | Kpi::Nps | Kpi::QaMean | Kpi::Fcr
        )
    }

    /// Whether the value is a fraction in [0, 1] (shown as a percentage).
    pub fn is_ratio(self) -> bool {
        matches!(
            self,
            Kpi::ServiceLevel | Kpi::AbandonRate | Kpi::TransferRate | Kpi::CsatTop2 | Kpi::Fcr
        )
    }

    /// What the volume of a sample counts (the denominator that makes the value meaningful).
    pub fn volume_of(self) -> &'static str {
        match self {
            Kpi::ServiceLevel | Kpi::AbandonRate => "offered",
            Kpi::CsatTop2 | Kpi::CsatMean => "surveys",
            Kpi::Nps => "nps answers",
            _ => "answered",
        }
    }

    /// The value for people: ratios as percentages, seconds with `s`, scores as numbers.
    pub fn format(self, value: f64) -> String {
        if self.is_ratio() {
            format!("{:.1} %", value * 100.0)
        } else if matches!(self, Kpi::CsatMean) {
            format!("{value:.2}")
        } else if matches!(self, Kpi::Nps | Kpi::QaMean) {
            format!("{value:.1}")
        } else {
            format!("{value:.0} s")
        }
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kpi {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kpi::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Kpi::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown KPI {s:?} (expected one of: {})", names.join(", "))
            })
    }
}

/// One KPI measured over a window: its value (`None` when its denominator is empty) and the
/// volume behind it (see [`Kpi::volume_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub kpi: Kpi,
    pub value: Option<f64>,
    pub volume: i64,
}

/// The incoming provider's KPIs over `[from_ms, to_ms)` on the plan's queue and channels.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WindowKpis {
    pub from_ms: i64,
    pub to_ms: i64,
    pub samples: Vec<Sample>,
}

impl WindowKpis {
    /// From a report row's KPIs (all §4 values of one group over the window). Volumes: offered
    /// contacts less short abandons for service level and abandonment, survey answers for CSAT and
    /// NPS, answered contacts for the rest (QA and FCR included: the report does not give their
    /// own sample counts).
    pub fn from_kpis(from_ms: i64, to_ms: i64, k: &relevo_metrics::Kpis) -> WindowKpis {
        let offered = k.offered - k.short_abandoned;
        let samples = Kpi::ALL
            .into_iter()
            .map(|kpi| {
                let (value, volume) = match kpi {
                    Kpi::ServiceLevel => (k.service_level, offered),
                    Kpi::AbandonRate => (k.abandon_rate, offered),
                    Kpi::AsaS => (k.asa_s, k.answered),
                    Kpi::AhtS => (k.aht_s, k.answered),
                    Kpi::TalkS => (k.talk_s, k.answered),
                    Kpi::HoldS => (k.hold_s, k.answered),
                    Kpi::AcwS => (k.acw_s, k.answered),
                    Kpi::P90AnswerS => (k.p90_answer_s.map(|v| v as f64), k.answered),
                    Kpi::TransferRate => (k.transfer_rate, k.answered),
                    Kpi::CsatTop2 => (k.csat_top2, k.csat_responses),
                    Kpi::CsatMean => (k.csat_mean, k.csat_responses),
                    Kpi::Nps => (k.nps, k.nps_responses),
                    Kpi::QaMean => (k.qa_mean, k.answered),
                    Kpi::Fcr => (k.fcr, k.answered),
                };
                Sample { kpi, value, volume }
            })
            .collect();
        WindowKpis {
            from_ms,
            to_ms,
            samples,
        }
    }

    /// The sample of `kpi`, if measured.
    pub fn get(&self, kpi: Kpi) -> Option<&Sample> {
        self.samples.iter().find(|s| s.kpi == kpi)
    }
}
