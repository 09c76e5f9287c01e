//! Contract versions (their TOML text, validity and who added them when, kept forever) and the raw
//! response times that business-hours SLAs need (calendar-time waits in the cube cannot be converted
//! into business time).
//!
//! This module stores text; it does not parse or judge contracts (that is `relevo-contracts`).

use crate::StoreError;
use relevo_core::Channel;

/// One stored contract version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContract {
    pub id: i64,
    pub provider: String,
    pub version: i64,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub source: String,
    pub added_at_ms: i64,
    pub added_by: String,
}

/// A contract version to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContract<'a> {
    pub provider: &'a str,
    pub version: i64,
    pub valid_from: &'a str,
    pub valid_to: Option<&'a str>,
    pub source: &'a str,
    pub added_at_ms: i64,
    pub added_by: &'a str,
}

/// Contract versions and the raw response times business-hours terms need.
pub trait ContractStore {
    /// Adds a contract version; a version number already stored for the provider is refused.
    fn add_contract(&mut self, c: &NewContract<'_>) -> Result<i64, StoreError>;

    /// Every stored version, optionally of one provider, oldest first.
    fn contracts(&self, provider: Option<&str>) -> Result<Vec<StoredContract>, StoreError>;

    /// `(arrived_at, first response)` of a provider's inbound contacts arrived in `[from_ms, to_ms)` on
    /// the given queues and channels (empty = all), for business-hours response SLAs.
    fn response_times(
        &self,
        provider: &str,
        queues: &[String],
        channels: &[Channel],
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError>;
}
