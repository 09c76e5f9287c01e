//! KPI definition settings (docs/DEFINITIONS.md §4.1): what a report takes as options and a
//! contract pins.

use crate::Channel;
use std::fmt;
use std::str::FromStr;

/// How abandons within the threshold count in service level (docs/DEFINITIONS.md §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AbandonTreatment {
    /// answered_within_t / (answered + abandoned − short_abandoned)
    #[default]
    Counted,
    /// answered_within_t / (answered + abandoned − short_abandoned − abandoned_within_t)
    ExcludedWithinT,
    /// (answered_within_t + abandoned_within_t) / (answered + abandoned − short_abandoned)
    Met,
}

impl FromStr for AbandonTreatment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "counted" => Ok(Self::Counted),
            "excluded_within_t" => Ok(Self::ExcludedWithinT),
            "met" => Ok(Self::Met),
            _ => Err(format!(
                "unknown abandon treatment {s:?} (expected counted, excluded_within_t or met)"
            )),
        }
    }
}

impl fmt::Display for AbandonTreatment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Counted => "counted",
            Self::ExcludedWithinT => "excluded_within_t",
            Self::Met => "met",
        })
    }
}

/// The definition settings every KPI computation takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KpiSettings {
    /// Service-level threshold T in whole seconds; `None` = the channel default.
    pub sl_threshold_s: Option<u32>,
    /// Short-abandon threshold S in whole seconds: abandons with wait < S are short.
    pub short_abandon_s: u32,
    pub abandon_treatment: AbandonTreatment,
    /// Adds flowouts to every service-level denominator.
    pub include_flowouts: bool,
    pub fcr_window_days: u32,
}

impl Default for KpiSettings {
    fn default() -> Self {
        KpiSettings {
            sl_threshold_s: None,
            short_abandon_s: 5,
            abandon_treatment: AbandonTreatment::Counted,
            include_flowouts: false,
            fcr_window_days: 7,
        }
    }
}

impl KpiSettings {
    /// The threshold T that applies to a channel.
    pub fn threshold_s(&self, channel: Channel) -> u32 {
        self.sl_threshold_s
            .unwrap_or_else(|| channel.default_sl_threshold_s())
    }
}
