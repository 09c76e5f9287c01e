//! relevo's domain vocabulary: the canonical contact record (docs/DEFINITIONS.md §3), its enums,
//! its validation, interval arithmetic, the KPI definition settings (docs/DEFINITIONS.md §4.1) and
//! the one KPI vocabulary ([`Kpi`]: names, directions, units, volumes, display names).
//!
//! This crate does no IO: it never reads the clock, files or the environment, and it does not parse
//! text formats (that is `relevo-import`). Timestamps are whole milliseconds since the Unix epoch (UTC).

mod kpi;
mod record;
mod settings;

pub use kpi::serde_enum as kpi_serde;
pub use kpi::{Kpi, Lang, Unit, Volume, format_duration};
pub use record::{
    Channel, ContactRecord, Direction, FieldError, Grain, INTERVAL_MS, Outcome, check_key,
    interval_of, interval_start_ms, limits, push_csv_text, quote,
};
pub use settings::{AbandonTreatment, KpiSettings};
