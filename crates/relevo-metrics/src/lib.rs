//! The interval cube and the KPI formulas of docs/DEFINITIONS.md §4.
//!
//! A [`Cell`] holds everything one 15-minute interval of one (provider, queue, channel) needs to answer
//! every §4 KPI exactly for any whole-second threshold: counts, exact integer sums, and wait-time
//! histograms ([`WaitHistogram`]). Cells are signed so that an upsert can subtract the old version of a
//! record and add the new one. [`Acc`] rolls cells up into a period and group; [`Kpis::compute`] turns it
//! into numbers; [`period`] maps intervals to local hours, days, ISO weeks and months.
//!
//! This crate does no IO and knows nothing of SQL, files or HTTP; FCR counts come in from the caller
//! because they need raw records.

mod cell;
mod kpi;
pub mod memcube;
pub mod period;
pub mod report;

pub use cell::{Cell, CellDecodeError, WaitHistogram, WideSums};
pub use kpi::{Acc, Kpis, Sums};
pub use period::Granularity;
pub use report::FxBuild;
