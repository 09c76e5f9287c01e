//! The one KPI vocabulary: every KPI of the report (docs/DEFINITIONS.md §4) plus the contract-only
//! `business_response_within`, with what each one means — its snake_case name, whether higher is
//! better, its unit and range, what its sample volume counts, how a value reads for people, and
//! its display name in English and Spanish. Contracts, transitions, the API and the dashboard all
//! name KPIs through [`Kpi`].
//!
//! Not here: computing values (that is `relevo-metrics`), serde (the crates that store or parse a
//! KPI implement it over [`Kpi::as_str`] and [`Kpi::parse_among`]), and which KPIs a consumer
//! accepts (a contract term and a transition guardrail each take a subset).

use std::fmt;
use std::str::FromStr;

pub mod serde_enum;
#[cfg(test)]
mod tests;

/// A KPI. Names ([`Kpi::as_str`]) are the report's CSV column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kpi {
    /// Fraction in [0, 1] answered within the threshold; higher is better.
    ServiceLevel,
    /// Average speed of answer, seconds; lower is better.
    AsaS,
    /// Fraction in [0, 1] of offered contacts (short abandons excluded) abandoned; lower is better.
    AbandonRate,
    /// Average handle time (talk + hold + after-contact work), seconds; lower is better.
    AhtS,
    /// Average talk time of answered contacts, seconds; lower is better.
    TalkS,
    /// Average hold time of answered contacts, seconds; lower is better.
    HoldS,
    /// Average after-contact work of answered contacts, seconds; lower is better.
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
    /// Fraction in [0, 1] of contacts first answered within N business hours of a calendar
    /// (asynchronous channels; contracts only, not a report column); higher is better.
    BusinessResponseWithin,
}

/// What a KPI's value is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A fraction in [0, 1], shown as a percentage.
    Ratio,
    /// Seconds, at least 0.
    Seconds,
    /// A score on a fixed scale ([`Kpi::range`]).
    Score,
}

/// What the volume of a KPI's sample counts: the denominator that makes the value meaningful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Volume {
    /// The service-level denominator: answered + abandoned − short abandoned, per the pinned
    /// abandon treatment.
    ServiceLevelBase,
    /// Offered contacts less short abandons.
    Offered,
    /// Answered contacts.
    Answered,
    /// Survey answers with a CSAT score.
    CsatResponses,
    /// Survey answers with an NPS score.
    NpsResponses,
    /// Contacts with a QA evaluation.
    QaEvaluations,
    /// Answered contacts with a customer key whose FCR window has closed.
    FcrEligible,
    /// Contacts judged against a business-hours deadline: answered, or unanswered past it.
    Judged,
}

impl Volume {
    /// A short noun for people, after the count: `193 offered`, `40 surveys`.
    pub fn noun(self) -> &'static str {
        match self {
            Volume::ServiceLevelBase | Volume::Offered => "offered",
            Volume::Answered => "answered",
            Volume::CsatResponses => "surveys",
            Volume::NpsResponses => "nps answers",
            Volume::QaEvaluations => "qa evaluations",
            Volume::FcrEligible => "fcr-eligible",
            Volume::Judged => "judged",
        }
    }

    /// The full definition, for documentation and help texts.
    pub fn description(self) -> &'static str {
        match self {
            Volume::ServiceLevelBase => {
                "the service-level denominator (answered + abandoned − short abandoned, per the pinned treatment)"
            }
            Volume::Offered => "offered − short abandoned",
            Volume::Answered => "answered contacts",
            Volume::CsatResponses => "csat responses",
            Volume::NpsResponses => "nps responses",
            Volume::QaEvaluations => "qa evaluations",
            Volume::FcrEligible => {
                "answered contacts with a customer key whose FCR window has closed"
            }
            Volume::Judged => "contacts judged: answered, or unanswered past their deadline",
        }
    }
}

/// A language KPI display names are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];
}

/// A duration for people, in tables and on the dashboard: whole seconds up to ten minutes, then
/// the two largest units (`12 min 5 s`, `5 h 19 min`, `3 d 4 h`). The units read the same in
/// English and Spanish. Machine formats (CSV, JSON) keep seconds.
///
/// ```
/// use relevo_core::format_duration;
/// assert_eq!(format_duration(334.4), "334 s");
/// assert_eq!(format_duration(600.0), "10 min 0 s");
/// assert_eq!(format_duration(19_149.0), "5 h 19 min");
/// assert_eq!(format_duration(273_600.0), "3 d 4 h");
/// ```
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "–".into();
    }
    let sign = if secs < 0.0 { "-" } else { "" };
    let s = secs.abs().round();
    if s < 600.0 {
        return format!("{sign}{s:.0} s");
    }
    // Bounded: a finite f64 rounds into u64 saturating, which is far beyond any real duration.
    let s = s as u64;
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{sign}{d} d {h} h")
    } else if h > 0 {
        format!("{sign}{h} h {m} min")
    } else {
        format!("{sign}{m} min {sec} s")
    }
}

impl Kpi {
    /// Every KPI: the report's ([`Kpi::REPORT`]) in column order, then the contract-only one.
    pub const ALL: [Kpi; 15] = {
        let mut all = [Kpi::BusinessResponseWithin; 15];
        let mut i = 0;
        while i < Kpi::REPORT.len() {
            all[i] = Kpi::REPORT[i];
            i += 1;
        }
        all
    };

    /// The KPIs a report row carries (docs/DEFINITIONS.md §4), in the order of the report's
    /// columns.
    pub const REPORT: [Kpi; 14] = [
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

    /// The snake_case name: a report column, a contract `metric`, a guardrail `kpi`.
    pub const fn as_str(self) -> &'static str {
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
            Kpi::BusinessResponseWithin => "business_response_within",
        }
    }

    /// The names of `kpis`, in order (for serde's `unknown variant` lists, at compile time).
    pub const fn names<const N: usize>(kpis: [Kpi; N]) -> [&'static str; N] {
        let mut out = [""; N];
        let mut i = 0;
        while i < N {
            out[i] = kpis[i].as_str();
            i += 1;
        }
        out
    }

    /// The KPI named `s` (surrounding blanks ignored) if it is one of `among`; the error lists
    /// `among`'s names.
    pub fn parse_among(s: &str, among: &[Kpi]) -> Result<Kpi, String> {
        let name = s.trim();
        among
            .iter()
            .copied()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = among.iter().map(|k| k.as_str()).collect();
                format!("unknown KPI {s:?} (expected one of: {})", names.join(", "))
            })
    }

    /// Whether a larger value is better (a guardrail then gives a minimum, a contract target is a
    /// floor), else a smaller one.
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            Kpi::ServiceLevel
                | Kpi::CsatTop2
                | Kpi::CsatMean
                | Kpi::Nps
                | Kpi::QaMean
                | Kpi::Fcr
                | Kpi::BusinessResponseWithin
        )
    }

    pub fn unit(self) -> Unit {
        match self {
            Kpi::ServiceLevel
            | Kpi::AbandonRate
            | Kpi::TransferRate
            | Kpi::CsatTop2
            | Kpi::Fcr
            | Kpi::BusinessResponseWithin => Unit::Ratio,
            Kpi::AsaS | Kpi::AhtS | Kpi::TalkS | Kpi::HoldS | Kpi::AcwS | Kpi::P90AnswerS => {
                Unit::Seconds
            }
            Kpi::CsatMean | Kpi::Nps | Kpi::QaMean => Unit::Score,
        }
    }

    /// Whether the value is a fraction in [0, 1] (shown as a percentage).
    pub fn is_ratio(self) -> bool {
        self.unit() == Unit::Ratio
    }

    /// The values the KPI can take, inclusive (seconds are unbounded above: `f64::MAX`).
    pub fn range(self) -> (f64, f64) {
        match self {
            Kpi::CsatMean => (1.0, 5.0),
            Kpi::Nps => (-100.0, 100.0),
            Kpi::QaMean => (0.0, 100.0),
            _ if self.is_ratio() => (0.0, 1.0),
            _ => (0.0, f64::MAX),
        }
    }

    /// What the volume of a sample of this KPI counts, by its definition.
    pub fn volume(self) -> Volume {
        match self {
            Kpi::ServiceLevel => Volume::ServiceLevelBase,
            Kpi::AbandonRate => Volume::Offered,
            Kpi::AsaS
            | Kpi::AhtS
            | Kpi::TalkS
            | Kpi::HoldS
            | Kpi::AcwS
            | Kpi::P90AnswerS
            | Kpi::TransferRate => Volume::Answered,
            Kpi::CsatTop2 | Kpi::CsatMean => Volume::CsatResponses,
            Kpi::Nps => Volume::NpsResponses,
            Kpi::QaMean => Volume::QaEvaluations,
            Kpi::Fcr => Volume::FcrEligible,
            Kpi::BusinessResponseWithin => Volume::Judged,
        }
    }

    /// The value for people: ratios as percentages, times as [`format_duration`] reads them,
    /// scores as numbers.
    ///
    /// ```
    /// use relevo_core::Kpi;
    /// assert_eq!(Kpi::ServiceLevel.format(0.8), "80.0 %");
    /// assert_eq!(Kpi::AsaS.format(20.4), "20 s");
    /// assert_eq!(Kpi::AsaS.format(19_149.0), "5 h 19 min");
    /// assert_eq!(Kpi::CsatMean.format(4.256), "4.26");
    /// ```
    pub fn format(self, value: f64) -> String {
        match self.unit() {
            Unit::Ratio => format!("{:.1} %", value * 100.0),
            Unit::Seconds if value.abs() >= 600.0 => format_duration(value),
            Unit::Seconds => format!("{value:.0} s"),
            Unit::Score if self == Kpi::CsatMean => format!("{value:.2}"),
            Unit::Score => format!("{value:.1}"),
        }
    }

    /// The KPI's name for people in `lang` (a column header, a row label).
    pub fn display_name(self, lang: Lang) -> &'static str {
        let (en, es) = match self {
            Kpi::ServiceLevel => ("Service level", "Nivel de servicio"),
            Kpi::AsaS => ("ASA", "TMR"),
            Kpi::AbandonRate => ("Abandoned", "Abandono"),
            Kpi::AhtS => ("AHT", "TMO"),
            Kpi::TalkS => ("Talk time", "Tiempo de conversación"),
            Kpi::HoldS => ("Hold time", "Tiempo en espera"),
            Kpi::AcwS => ("After-contact work", "Trabajo posterior al contacto"),
            Kpi::P90AnswerS => (
                "90th percentile answer time",
                "Percentil 90 del tiempo de respuesta",
            ),
            Kpi::TransferRate => ("Transfer rate", "Tasa de transferencia"),
            // CSAT, unqualified, is the top-2-box share by industry convention.
            Kpi::CsatTop2 => ("CSAT", "CSAT"),
            Kpi::CsatMean => ("Mean CSAT", "CSAT medio"),
            Kpi::Nps => ("NPS", "NPS"),
            Kpi::QaMean => ("Mean QA score", "Puntuación media de calidad"),
            Kpi::Fcr => (
                "First-contact resolution",
                "Resolución en el primer contacto",
            ),
            Kpi::BusinessResponseWithin => (
                "Response within business hours",
                "Respuesta en horas hábiles",
            ),
        };
        match lang {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Kpi {
    type Err = String;
    /// Any KPI's name; see [`Kpi::parse_among`] for a subset.
    fn from_str(s: &str) -> Result<Self, String> {
        Kpi::parse_among(s, &Kpi::ALL)
    }
}
