//! The KPIs a guardrail can watch — the report's KPIs (docs/DEFINITIONS.md §4) of the one
//! vocabulary, [`relevo_core::Kpi`] — how a stored one is serialised, and the window of measured
//! values a gate is checked against.
//!
//! Not here: KPI names, directions and formats (that is `relevo_core::Kpi`), and computing the
//! values (the binary streams the store's interval cube through `relevo-metrics` and hands the
//! result in through [`WindowKpis::from_kpis`]).

use serde::{Deserialize, Serialize};

pub use relevo_core::Kpi;
use relevo_core::Volume;

/// The KPIs a guardrail can watch: the report's ([`Kpi::REPORT`]), which [`WindowKpis::from_kpis`]
/// measures.
pub const GUARDRAIL_KPIS: [Kpi; 14] = Kpi::REPORT;

/// A guardrail's KPI by name, among [`GUARDRAIL_KPIS`].
pub fn parse_guardrail_kpi(s: &str) -> Result<Kpi, String> {
    Kpi::parse_among(s, &GUARDRAIL_KPIS)
}

/// What the volume of a [`Sample`] counts: the KPI's own volume ([`Kpi::volume`]), except for QA
/// and FCR, whose samples count answered contacts (a report row has no count of its own for them),
/// and service level, whose sample counts offered contacts less short abandons whatever the abandon
/// treatment.
pub fn measured_volume(kpi: Kpi) -> Volume {
    match kpi.volume() {
        Volume::QaEvaluations | Volume::FcrEligible => Volume::Answered,
        Volume::ServiceLevelBase => Volume::Offered,
        v => v,
    }
}

/// Serde for a [`Kpi`] field (`#[serde(with = "crate::kpi::serde_kpi")]`): the KPI's name, written
/// and read the way `#[derive(Serialize, Deserialize)]` did for the enum named `Kpi` this crate had
/// (a unit variant, its index in [`GUARDRAIL_KPIS`]), so stored state reads back unchanged.
pub(crate) mod serde_kpi {
    use super::{GUARDRAIL_KPIS, Kpi};
    use serde::{Deserializer, Serializer};

    const NAMES: [&str; GUARDRAIL_KPIS.len()] = Kpi::names(GUARDRAIL_KPIS);

    pub(crate) fn serialize<S: Serializer>(kpi: &Kpi, s: S) -> Result<S::Ok, S::Error> {
        relevo_core::kpi_serde::serialize(kpi, "Kpi", s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Kpi, D::Error> {
        relevo_core::kpi_serde::deserialize(d, "Kpi", &GUARDRAIL_KPIS, &NAMES)
    }
}

/// One KPI measured over a window: its value (`None` when its denominator is empty) and the
/// volume behind it (see [`measured_volume`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    #[serde(with = "serde_kpi")]
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
        let samples = GUARDRAIL_KPIS
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
                    // Not a guardrail KPI: a report row does not measure it.
                    Kpi::BusinessResponseWithin => (None, 0),
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
