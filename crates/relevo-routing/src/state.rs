//! The router's mutable state — per route: the phase last seen, the hour of the latest
//! decision and how many decisions it had, the split credits, the sticky customers of that
//! phase and the capacity counters — and its byte encoding, so a server can persist it
//! between requests or restarts. The decision log lives here too but is not encoded: drain it
//! with [`RouterState::take_log`] and store it separately.
//!
//! Not here: any file or database access (the caller stores the bytes).
//!
//! # Encoding (version 2, all integers little-endian)
//!
//! ```text
//! "RLVR" 2u8  routes:u32
//! per route:  phase:u32 (u32::MAX = none)  hour:i64 (i64::MIN = none)  hour_decisions:u32
//!             members:u32
//!             per member: credit:i64  cap_interval:i64  cap_count:u32
//!             sticky:u32  per entry, by ascending key: key:u64  member:u16
//! ```
//!
//! Sticky entries are written sorted, so equal states encode to equal bytes. Version 1 (the
//! same without `hour` and `hour_decisions`) is still read, as a state whose hour is unknown:
//! its next hour carries the credits on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::log::LoggedDecision;
use crate::router::{BUSY_HOUR_CONTACTS, Exclusion, Router};

#[cfg(test)]
mod tests;

const MAGIC: &[u8; 4] = b"RLVR";
const VERSION: u8 = 2;
/// The encoding before the hour fields, still read.
const VERSION_1: u8 = 1;

/// Customer keys are already keyed hashes; this only spreads them over the table
/// (a splitmix64 finaliser), deterministically.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

pub(crate) type StickyMap = HashMap<u64, u16, BuildHasherDefault<KeyHasher>>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RouteState {
    pub(crate) phase: u32,
    /// The UTC hour (hours since the epoch) of the latest decision, `i64::MIN` before any.
    pub(crate) hour: i64,
    /// Decisions in that hour.
    pub(crate) hour_decisions: u32,
    pub(crate) credits: Vec<i64>,
    pub(crate) cap_interval: Vec<i64>,
    pub(crate) cap_count: Vec<u32>,
    pub(crate) sticky: StickyMap,
}

impl RouteState {
    pub(crate) fn new(members: usize) -> Self {
        Self {
            phase: u32::MAX,
            hour: i64::MIN,
            hour_decisions: 0,
            credits: vec![0; members],
            cap_interval: vec![i64::MIN; members],
            cap_count: vec![0; members],
            sticky: StickyMap::default(),
        }
    }

    /// A new phase: new targets, so fresh credits and no sticky customers. Capacity counters
    /// stay: the cap is about the interval, whatever the phase.
    pub(crate) fn enter_phase(&mut self, phase: u32) {
        self.phase = phase;
        self.credits.fill(0);
        self.sticky.clear();
    }

    /// The first decision of a later hour. If the hour before was busy and ended with a
    /// credit beyond ±`total` (the phase's total weight) — a provider more than a contact
    /// ahead, which only sticky picks do, or behind, mostly because of them — the credits
    /// start afresh, so this hour does not pay back what the last one already counted.
    /// Otherwise they carry on, so the split stays exact over quiet hours.
    pub(crate) fn enter_hour(&mut self, hour: i64, total: i64) {
        if self.hour_decisions >= BUSY_HOUR_CONTACTS
            && self.credits.iter().any(|&c| c <= -total || c >= total)
        {
            self.credits.fill(0);
        }
        self.hour = hour;
        self.hour_decisions = 0;
    }
}

/// Everything a [`Router`] changes as it decides. Made by [`Router::new_state`] or
/// [`Router::state_from_bytes`].
#[derive(Debug, Clone)]
pub struct RouterState {
    pub(crate) routes: Vec<RouteState>,
    pub(crate) log: Vec<LoggedDecision>,
    pub(crate) scratch: Vec<Option<Exclusion>>,
}

impl PartialEq for RouterState {
    /// Equal routing state; the logs are not compared.
    fn eq(&self, other: &Self) -> bool {
        self.routes == other.routes
    }
}

/// Why bytes could not be read back as a state for this router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError(pub String);

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StateError {}

impl RouterState {
    /// The decisions logged since the last call, oldest first; the log is left empty.
    pub fn take_log(&mut self) -> Vec<LoggedDecision> {
        std::mem::take(&mut self.log)
    }

    /// The decisions logged so far.
    pub fn log(&self) -> &[LoggedDecision] {
        &self.log
    }

    /// Number of customers remembered for stickiness, over all routes.
    pub fn sticky_customers(&self) -> usize {
        self.routes.iter().map(|r| r.sticky.len()).sum()
    }

    /// The routing state as bytes (the log excluded), see the module docs for the layout.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            16 + self
                .routes
                .iter()
                .map(|r| 28 + r.credits.len() * 20 + r.sticky.len() * 10)
                .sum::<usize>(),
        );
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&(self.routes.len() as u32).to_le_bytes());
        for r in &self.routes {
            out.extend_from_slice(&r.phase.to_le_bytes());
            out.extend_from_slice(&r.hour.to_le_bytes());
            out.extend_from_slice(&r.hour_decisions.to_le_bytes());
            out.extend_from_slice(&(r.credits.len() as u32).to_le_bytes());
            for m in 0..r.credits.len() {
                out.extend_from_slice(&r.credits[m].to_le_bytes());
                out.extend_from_slice(&r.cap_interval[m].to_le_bytes());
                out.extend_from_slice(&r.cap_count[m].to_le_bytes());
            }
            let mut entries: Vec<(u64, u16)> = r.sticky.iter().map(|(&k, &v)| (k, v)).collect();
            entries.sort_unstable();
            out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
            for (k, v) in entries {
                out.extend_from_slice(&k.to_le_bytes());
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], StateError> {
        let end = self.at + N;
        let slice = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| StateError(format!("state bytes end early at byte {}", self.at)))?;
        self.at = end;
        Ok(slice.try_into().unwrap_or([0; N]))
    }

    fn u16(&mut self) -> Result<u16, StateError> {
        Ok(u16::from_le_bytes(self.take()?))
    }

    fn u32(&mut self) -> Result<u32, StateError> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    fn i64(&mut self) -> Result<i64, StateError> {
        Ok(i64::from_le_bytes(self.take()?))
    }

    fn u64(&mut self) -> Result<u64, StateError> {
        Ok(u64::from_le_bytes(self.take()?))
    }
}

impl Router {
    /// Reads a state written by [`RouterState::to_bytes`], checking that it fits this
    /// router's plan (same routes, same providers per route, phases that exist).
    pub fn state_from_bytes(&self, bytes: &[u8]) -> Result<RouterState, StateError> {
        let mut r = Reader { bytes, at: 0 };
        if &r.take::<4>()? != MAGIC {
            return Err(StateError("not a routing state (bad magic)".to_owned()));
        }
        let [version] = r.take::<1>()?;
        if version != VERSION && version != VERSION_1 {
            return Err(StateError(format!(
                "routing state version {version}, expected {VERSION_1} or {VERSION}"
            )));
        }
        let routes = r.u32()? as usize;
        if routes != self.routes.len() {
            return Err(StateError(format!(
                "state has {routes} routes, the plan {}",
                self.routes.len()
            )));
        }
        let mut state = self.new_state();
        for (i, (rs, route)) in state.routes.iter_mut().zip(&self.routes).enumerate() {
            rs.phase = r.u32()?;
            if rs.phase != u32::MAX && rs.phase as usize >= route.phases.len() {
                return Err(StateError(format!(
                    "route {i}: phase {} does not exist",
                    rs.phase
                )));
            }
            if version == VERSION {
                rs.hour = r.i64()?;
                rs.hour_decisions = r.u32()?;
            }
            let members = r.u32()? as usize;
            if members != route.members.len() {
                return Err(StateError(format!(
                    "route {i}: state has {members} providers, the plan {}",
                    route.members.len()
                )));
            }
            for m in 0..members {
                rs.credits[m] = r.i64()?;
                rs.cap_interval[m] = r.i64()?;
                rs.cap_count[m] = r.u32()?;
            }
            let sticky = r.u32()? as usize;
            rs.sticky.reserve(sticky.min(bytes.len() / 10));
            for _ in 0..sticky {
                let key = r.u64()?;
                let member = r.u16()?;
                if usize::from(member) >= members {
                    return Err(StateError(format!(
                        "route {i}: sticky provider {member} does not exist"
                    )));
                }
                rs.sticky.insert(key, member);
            }
        }
        if r.at != bytes.len() {
            return Err(StateError(format!(
                "{} bytes left over after the state",
                bytes.len() - r.at
            )));
        }
        Ok(state)
    }
}
