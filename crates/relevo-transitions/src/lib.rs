//! Phased cut-overs of a queue from one provider to another (in-house team to BPO, BPO to BPO),
//! gated on the incoming provider's KPIs.
//!
//! - [`TransitionPlan`]: the plan file (TOML) — queue and channels, outgoing and incoming
//!   providers, phases with target shares, earliest starts and minimum durations, guardrails over a
//!   sliding window with minimum volumes, what a failing gate does, a webhook.
//! - [`State`] and [`evaluate`]: the state machine. A phase advances only when its gate has passed
//!   for the phase's whole minimum duration and the next phase's date has come; a failing gate
//!   holds or rolls back as configured; people [`advance`], [`hold`], [`rollback`] and [`resume`]
//!   with a reason. Every change is an [`Event`] with its reason and numbers.
//! - [`webhook`]: signed JSON payloads (`X-Relevo-Signature: sha256=<hex>`, HMAC-SHA256) and the
//!   bytes of the HTTP/1.1 request that carries them.
//! - [`routing`]: the current and past shares as `relevo-routing` phases, for a router to follow.
//!
//! What this crate deliberately does not do: IO of any kind (files, sockets, database), read the
//! clock (`now_ms` is a parameter), resolve time-zone names (the caller passes a lookup), or
//! compute KPIs (the caller measures the window and passes [`WindowKpis`]). Times are milliseconds
//! since the epoch (UTC); shares and ratio KPIs are fractions in [0, 1].
//!
//! ```
//! use relevo_transitions::{Kpi, Sample, State, TransitionPlan, WindowKpis, evaluate};
//! let plan = TransitionPlan::parse(r#"
//!     name = "billing to the BPO"
//!     queue = "billing"
//!     channels = ["voice"]
//!     from = "inhouse"
//!     to = "bpo"
//!     [[phases]]
//!     share = 0.1
//!     min_duration = "7d"
//!     [[phases]]
//!     share = 1.0
//!     [gate]
//!     window = "7d"
//!     min_volume = 100
//!     guardrails = [{ kpi = "service_level", min = 0.75 }]
//! "#, &|_| None).unwrap();
//! let day = 86_400_000;
//! let state = State::new(0);
//! let kpis = |sl: f64| WindowKpis {
//!     from_ms: 0, to_ms: 0,
//!     samples: vec![Sample { kpi: Kpi::ServiceLevel, value: Some(sl), volume: 500 }],
//! };
//! // At the baseline nothing is measured yet: the first phase starts (it has no date).
//! let (state, events) = evaluate(&plan, &state, &WindowKpis::default(), 0);
//! assert_eq!((state.phase, events.len()), (1, 1));
//! let (state, _) = evaluate(&plan, &state, &kpis(0.8), day);
//! let (state, _) = evaluate(&plan, &state, &kpis(0.8), 8 * day); // passed for 7 days
//! assert_eq!(state.phase, 2);
//! ```

pub mod kpi;
pub mod machine;
pub mod plan;
pub mod routing;
pub mod webhook;

pub use kpi::{Kpi, Sample, WindowKpis};
pub use machine::{
    Actor, Check, Event, EventKind, GateResult, GateStatus, Hold, PhaseChange, State, advance,
    check_gate, evaluate, hold, resume, rollback,
};
pub use plan::{
    Bound, Escalation, FailAction, Gate, Guardrail, OnFail, PhasePlan, ProviderSetup,
    TransitionPlan, Webhook,
};

/// Why a plan or an operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Not TOML, a wrong type, an unknown or missing key (the message names line and column).
    #[error("{0}")]
    Syntax(String),
    /// Well-formed but inconsistent; `key` is the path (`phases[2].share`, 0-based).
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    /// An operation that does not apply in the current state.
    #[error("{0}")]
    Refused(String),
}
