//! Routing decisions: the provider a contact goes to, following the transitions.
//!
//! Every stored transition becomes a `relevo-routing` router over its applied timeline
//! (`relevo_transitions::routing::routing_plan`: one route per channel, the shares of each phase
//! from the time it was entered). A queue and channel covered by several transitions follows the
//! newest. Routers and their states live in memory behind one mutex, so a decision costs
//! microseconds; the transitions are re-read when the caller says they changed
//! ([`Routing::invalidate`]), and otherwise at most once a second (another process, e.g.
//! `relevo transition`, may have changed them).
//!
//! Persistence: router states (split credits, sticky customers) and decision counts per
//! transition, channel, phase, UTC hour, provider and reason are written to the store in one
//! transaction by [`Routing::take_unsaved`] + [`Unsaved::save`] — the caller flushes after
//! [`FLUSH_EVERY`] decisions, periodically while there are unsaved decisions, and at shutdown. A
//! crash loses at most the decisions since the last flush (their counts, and stickiness they
//! created); a restart reads the states back, so counts and stickiness continue. A state that no
//! longer fits its transition's timeline (a replayed change rewrote it) starts afresh, which a new
//! phase does anyway.
//!
//! Not here: HTTP (the server's `POST /api/v1/route` parses and renders), the clock (`now_ms` is a
//! parameter).

use crate::Error;
use crate::transitions::{Loaded, parse};
use relevo_core::Channel;
use relevo_routing::{Contact, Router, RouterState};
use relevo_store::{RouterStateSave, RoutingCount, Store};
use std::collections::HashMap;
use std::sync::Mutex;

/// Decisions between two flushes at most (besides the once-a-second flush).
pub const FLUSH_EVERY: u64 = 10_000;

/// How often (ms of the server's clock) the transitions are re-read for changes made elsewhere.
const RECHECK_MS: i64 = 1_000;

struct Entry {
    id: i64,
    version: i64,
    router: Router,
    state: RouterState,
    /// Start of each routing phase (ms), by routing phase index.
    phase_starts: Vec<i64>,
    /// Decisions made with this state, ever.
    decisions: i64,
    dirty: bool,
}

/// Transition, channel, phase start, phase name, hour, provider, reason.
type CountKey = (i64, String, i64, String, i64, String, &'static str);

#[derive(Default)]
struct Engine {
    loaded: bool,
    checked_at_ms: i64,
    entries: Vec<Entry>,
    /// `(queue, channel)` → index into `entries`.
    routes: HashMap<(String, String), usize>,
    /// Counts drained from decision logs, not yet written.
    counts: HashMap<CountKey, i64>,
    unsaved: u64,
}

/// The routing engine: in memory, flushed to the store.
#[derive(Default)]
pub struct Routing {
    engine: Mutex<Engine>,
    /// Serialises flushes, so an older snapshot never overwrites a newer one.
    flushing: Mutex<()>,
}

impl Routing {
    /// Re-read the transitions before the next decision (after the server changed one).
    pub fn invalidate(&self) {
        if let Ok(mut e) = self.engine.lock() {
            e.loaded = false;
        }
    }
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> Error {
    Error::Internal("the routing lock was poisoned by an earlier panic".into())
}

impl Engine {
    /// Moves every entry's decision log into `counts`.
    fn drain(&mut self) {
        for e in &mut self.entries {
            for d in e.state.take_log() {
                let Some(phase) = d.phase else { continue };
                let (_, channel) = e.router.route_name(d.route);
                let key = (
                    e.id,
                    channel.to_owned(),
                    e.phase_starts[phase as usize],
                    e.router.phase_name(d.route, phase).to_owned(),
                    d.at_ms.div_euclid(3_600_000) * 3_600_000,
                    d.provider
                        .map_or(String::new(), |p| e.router.provider_name(p).to_owned()),
                    d.reason.as_str(),
                );
                *self.counts.entry(key).or_default() += 1;
            }
        }
    }

    /// Rebuilds the routers when any transition changed (keeping each one's state when it still
    /// fits, else the saved one, else a fresh one).
    fn refresh(&mut self, store: &dyn Store, now_ms: i64) -> Result<(), Error> {
        self.checked_at_ms = now_ms;
        let rows = store.transitions()?;
        let same = self.loaded
            && rows.len() == self.entries.len()
            && rows
                .iter()
                .zip(&self.entries)
                .all(|(r, e)| r.id == e.id && r.version == e.version);
        self.loaded = true;
        if same {
            return Ok(());
        }
        self.drain();
        let mut old: HashMap<i64, Entry> = self.entries.drain(..).map(|e| (e.id, e)).collect();
        self.routes.clear();
        for row in rows {
            let (id, version) = (row.id, row.version);
            if let Some(e) = old.remove(&id).filter(|e| e.version == version) {
                self.push(e);
                continue;
            }
            let Ok(Loaded { plan, state, .. }) = parse(row) else {
                continue; // unreadable: `relevo transition status` reports it
            };
            let phases = relevo_transitions::routing::routing_phases(&plan, &state);
            let router = Router::new(&relevo_transitions::routing::routing_plan(&plan, &state))
                .map_err(|e| Error::Internal(format!("transition {id}: routing plan: {e}")))?;
            let (state, decisions, dirty) = match old.remove(&id) {
                Some(prev) => match router.state_from_bytes(&prev.state.to_bytes()) {
                    Ok(s) => (s, prev.decisions, prev.dirty),
                    Err(_) => (router.new_state(), prev.decisions, true),
                },
                None => match store.router_state(id)? {
                    Some((bytes, n)) => match router.state_from_bytes(&bytes) {
                        Ok(s) => (s, n, false),
                        Err(_) => (router.new_state(), n, true),
                    },
                    None => (router.new_state(), 0, false),
                },
            };
            self.push(Entry {
                id,
                version,
                router,
                state,
                phase_starts: phases.iter().map(|p| p.starts_at_ms).collect(),
                decisions,
                dirty,
            });
        }
        Ok(())
    }

    fn push(&mut self, e: Entry) {
        let i = self.entries.len();
        for route in e.router.routes() {
            let (q, c) = e.router.route_name(route);
            // Transitions come oldest first: the newest covering a route wins.
            self.routes.insert((q.to_owned(), c.to_owned()), i);
        }
        self.entries.push(e);
    }
}

/// One contact to route.
#[derive(Debug, Clone, Copy)]
pub struct RouteQuery<'a> {
    pub queue: &'a str,
    pub channel: Channel,
    /// Language the contact needs (exact tag).
    pub language: Option<&'a str>,
    /// The customer's key, in clear (hashed with the store's customer hash here).
    pub customer: Option<&'a str>,
    /// When the contact arrived (ms).
    pub at_ms: i64,
}

/// The phase a decision was made in.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedPhase {
    pub name: String,
    pub started_at_ms: i64,
    /// Target shares in force (providers with a share above 0).
    pub shares: Vec<(String, f64)>,
}

/// A decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `None` when no provider can take the contact.
    pub provider: Option<String>,
    /// `share`, `sticky`, `only_option`, `overflow_closed`, `overflow_full`, `overflow_language`,
    /// `no_phase` or `none_available`.
    pub reason: &'static str,
    pub phase: Option<DecidedPhase>,
    pub transition: i64,
    /// Whether [`FLUSH_EVERY`] decisions are unsaved: the caller should flush now.
    pub flush_due: bool,
}

/// Unsaved router states and decision counts, taken from the engine (encoded outside its lock).
#[derive(Debug)]
pub struct Unsaved {
    states: Vec<(i64, Vec<u8>, i64)>,
    counts: Vec<RoutingCount>,
    decisions: u64,
}

impl Unsaved {
    /// Writes the states and counts in one transaction; returns the number of decisions covered.
    pub fn save(self, store: &mut dyn Store, now_ms: i64) -> Result<u64, Error> {
        let saves: Vec<RouterStateSave<'_>> = self
            .states
            .iter()
            .map(|(id, bytes, decisions)| RouterStateSave {
                transition_id: *id,
                state: bytes,
                decisions: *decisions,
            })
            .collect();
        store.save_routing(&saves, &self.counts, now_ms)?;
        Ok(self.decisions)
    }
}

impl Routing {
    /// Decides one contact; `store` is read for the customer's hash and, when due, the transitions.
    pub fn decide(
        &self,
        store: &dyn Store,
        now_ms: i64,
        q: &RouteQuery<'_>,
    ) -> Result<Decision, Error> {
        let key = q
            .customer
            .filter(|c| !c.trim().is_empty())
            .map(|c| store.customer_hash(c) as u64);
        let mut e = self.engine.lock().map_err(poisoned)?;
        if !e.loaded || now_ms - e.checked_at_ms >= RECHECK_MS || now_ms < e.checked_at_ms {
            e.refresh(store, now_ms)?;
        }
        let Some(&i) = e
            .routes
            .get(&(q.queue.to_owned(), q.channel.as_str().to_owned()))
        else {
            return Err(Error::NotFound(format!(
                "no transition routes queue {:?} on {}",
                q.queue,
                q.channel.as_str()
            )));
        };
        let entry = &mut e.entries[i];
        let route = entry
            .router
            .route_id(q.queue, q.channel.as_str())
            .ok_or_else(|| Error::Internal("route vanished".into()))?;
        let d = entry.router.decide(
            &mut entry.state,
            &Contact {
                route,
                at_ms: q.at_ms,
                language: q.language,
                customer_key_hash: key,
            },
        );
        entry.decisions += 1;
        entry.dirty = true;
        let phase = d.phase.map(|k| {
            // A transition's router has two providers: outgoing and incoming.
            let shares = (0u16..2)
                .map(relevo_routing::ProviderId)
                .filter_map(|p| {
                    let s = entry.router.target_share(route, k, p);
                    (s > 0.0).then(|| (entry.router.provider_name(p).to_owned(), s))
                })
                .collect();
            DecidedPhase {
                name: entry.router.phase_name(route, k).to_owned(),
                started_at_ms: entry.phase_starts[k as usize],
                shares,
            }
        });
        let provider = d.provider.map(|p| entry.router.provider_name(p).to_owned());
        let transition = entry.id;
        e.unsaved += 1;
        Ok(Decision {
            provider,
            reason: d.reason.as_str(),
            phase,
            transition,
            flush_due: e.unsaved >= FLUSH_EVERY,
        })
    }

    /// Takes the unsaved states and counts (`None` when there are none). Flushes are serialised
    /// by the caller holding [`Routing::flush_lock`] from here until the save, so that an older
    /// snapshot never overwrites a newer one.
    pub fn take_unsaved(&self) -> Result<Option<Unsaved>, Error> {
        let (states, counts, n) = {
            let mut e = self.engine.lock().map_err(poisoned)?;
            if e.unsaved == 0 && !e.entries.iter().any(|x| x.dirty) {
                return Ok(None);
            }
            e.drain();
            // Copies (a memcpy of the sticky table), encoded after the lock is released: encoding
            // sorts the sticky customers, which must not stall the decisions waiting on the lock.
            let states: Vec<(i64, RouterState, i64)> = e
                .entries
                .iter_mut()
                .filter(|x| x.dirty)
                .map(|x| {
                    x.dirty = false;
                    (x.id, x.state.clone(), x.decisions)
                })
                .collect();
            let counts: Vec<RoutingCount> = e
                .counts
                .drain()
                .map(
                    |(
                        (
                            transition_id,
                            channel,
                            phase_start_ms,
                            phase_name,
                            hour_ms,
                            provider,
                            reason,
                        ),
                        count,
                    )| {
                        RoutingCount {
                            transition_id,
                            channel,
                            phase_start_ms,
                            phase_name,
                            hour_ms,
                            provider,
                            reason: reason.to_owned(),
                            count,
                        }
                    },
                )
                .collect();
            let n = std::mem::take(&mut e.unsaved);
            (states, counts, n)
        };
        Ok(Some(Unsaved {
            states: states
                .into_iter()
                .map(|(id, state, n)| (id, state.to_bytes(), n))
                .collect(),
            counts,
            decisions: n,
        }))
    }

    /// Held from [`Routing::take_unsaved`] to [`Unsaved::save`]: one flush at a time.
    pub fn flush_lock(&self) -> Result<std::sync::MutexGuard<'_, ()>, Error> {
        self.flushing.lock().map_err(poisoned)
    }
}
