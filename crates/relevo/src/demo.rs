//! `relevo demo`: a realistic, seeded data set — an in-house team (Amazon Connect for voice and chat)
//! and two BPOs, six queues in English and Spanish, voice/chat/email, daily and weekly seasonality,
//! one BPO whose service level slips for a week, surveys arriving days after the contact — written as
//! the files providers would deliver, imported the way a user would, and reported.
//!
//! The generator is a deterministic function of the seed and the end date; the end date defaults to
//! yesterday (the command is the edge that reads the clock).

use crate::cli_util::{open_store, thousands, zone};
use anyhow::{Context, Result};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use relevo_core::ContactRecord;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Folder for the generated files and the demo database
    #[arg(long, default_value = "relevo-demo")]
    pub dir: PathBuf,
    /// Random seed: the same seed and end date give the same data
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Days of history
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Last day of history (default: yesterday in Europe/Madrid); the same seed, days and date
    /// give the same data and output (`--end` is accepted too)
    #[arg(long, alias = "end")]
    pub until: Option<Date>,
    /// Only write and import the data: print no report and do not serve the dashboard
    #[arg(long)]
    pub no_report: bool,
    /// Print the report but do not serve the dashboard afterwards
    #[arg(long)]
    pub no_serve: bool,
    /// Where the dashboard listens at the end
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Replace a demo database left by an earlier run (its users, tokens and transitions are lost)
    #[arg(long)]
    pub force: bool,
}

/// Contract files shipped with the demo (the annotated examples in `examples/contracts/`).
const DEMO_CONTRACTS: [(&str, &str); 3] = [
    (
        "northwind-bpo.toml",
        include_str!("../../../examples/contracts/northwind-bpo.toml"),
    ),
    (
        "sur-contact.toml",
        include_str!("../../../examples/contracts/sur-contact.toml"),
    ),
    (
        "inhouse.toml",
        include_str!("../../../examples/contracts/inhouse.toml"),
    ),
];

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.f64()).ln()
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (1.0 - self.f64(), self.f64());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// Log-normal with the given mean and log-sd 0.5.
    fn lognormal(&mut self, mean: f64) -> f64 {
        mean * (0.5 * self.normal() - 0.125).exp()
    }
    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda > 40.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u32;
        }
        let l = (-lambda).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= self.f64();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Delivery {
    /// Amazon Connect contact trace records (JSON lines) for voice and chat; canonical CSV for email.
    AmazonConnect,
    CanonicalCsv,
}

struct Provider {
    key: &'static str,
    delivery: Delivery,
    /// Probability that a voice contact waits at all, and the mean wait of those that do (s).
    p_wait: f64,
    mean_wait_s: f64,
    /// AHT multiplier and survey mood (probability of a 4–5 CSAT).
    aht_factor: f64,
    csat_good: f64,
    /// Probability that a customer calls again within a week.
    repeat: f64,
    agents: u32,
}

struct Queue {
    key: &'static str,
    language: &'static str,
    /// Weekday daily volume, and talk-time mean for voice (s).
    daily: f64,
    talk_s: f64,
    /// Providers serving it, with their shares.
    split: &'static [(usize, f64)],
}

const PROVIDERS: [Provider; 3] = [
    Provider {
        key: "inhouse",
        delivery: Delivery::AmazonConnect,
        p_wait: 0.35,
        mean_wait_s: 30.0,
        aht_factor: 1.0,
        csat_good: 0.84,
        repeat: 0.12,
        agents: 40,
    },
    Provider {
        key: "northwind-bpo",
        delivery: Delivery::CanonicalCsv,
        p_wait: 0.40,
        mean_wait_s: 34.0,
        aht_factor: 0.92,
        csat_good: 0.78,
        repeat: 0.16,
        agents: 60,
    },
    Provider {
        key: "sur-contact",
        delivery: Delivery::CanonicalCsv,
        p_wait: 0.45,
        mean_wait_s: 38.0,
        aht_factor: 1.05,
        csat_good: 0.80,
        repeat: 0.15,
        agents: 45,
    },
];

const QUEUES: [Queue; 6] = [
    Queue {
        key: "billing-es",
        language: "es",
        daily: 520.0,
        talk_s: 260.0,
        split: &[(0, 0.6), (2, 0.4)],
    },
    Queue {
        key: "billing-en",
        language: "en",
        daily: 240.0,
        talk_s: 250.0,
        split: &[(1, 1.0)],
    },
    Queue {
        key: "tech-es",
        language: "es",
        daily: 380.0,
        talk_s: 420.0,
        split: &[(2, 1.0)],
    },
    Queue {
        key: "tech-en",
        language: "en",
        daily: 300.0,
        talk_s: 400.0,
        split: &[(1, 1.0)],
    },
    Queue {
        key: "sales-es",
        language: "es",
        daily: 180.0,
        talk_s: 330.0,
        split: &[(0, 1.0)],
    },
    Queue {
        key: "sales-en",
        language: "en",
        daily: 110.0,
        talk_s: 320.0,
        split: &[(0, 0.5), (1, 0.5)],
    },
];

/// Share of a day's volume per local hour (voice and chat open 08–22; email arrives around the clock).
fn hour_weight(hour: i8, email: bool) -> f64 {
    let live = [
        0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 10, 10, 9, 7, 7, 9, 9, 8, 6, 5, 4, 3, 0, 0,
    ];
    let mail = [
        1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 6, 6, 6, 6, 6, 5, 5, 4, 4, 3, 2, 1,
    ];
    let w = if email { mail } else { live };
    let total: i32 = w.iter().sum();
    f64::from(w[hour as usize]) / f64::from(total)
}

fn weekday_factor(d: Date) -> f64 {
    [1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.3][d.weekday().to_monday_zero_offset() as usize]
}

struct Contact {
    provider: usize,
    queue: usize,
    channel: &'static str,
    id: String,
    arrived_ms: i64,
    outcome: &'static str,
    end_wait_ms: i64,
    talk_s: i64,
    hold_s: i64,
    acw_s: i64,
    agent: String,
    customer: String,
    transferred: bool,
    csat: Option<u8>,
    nps: Option<u8>,
    qa: Option<f64>,
    survey_ms: Option<i64>,
}

impl Contact {
    fn answered_ms(&self) -> Option<i64> {
        (self.outcome == "answered").then_some(self.arrived_ms + self.end_wait_ms)
    }
    fn ended_ms(&self) -> i64 {
        match self.answered_ms() {
            Some(a) => a + 1000 * (self.talk_s + self.hold_s + self.acw_s),
            None => self.arrived_ms + self.end_wait_ms,
        }
    }
}

/// The week (Monday) in which northwind-bpo's service slips: four weeks before the end.
fn slip_week(end: Date) -> (Date, Date) {
    let back = i64::from(end.weekday().to_monday_zero_offset()) + 28;
    let start = end.checked_sub(back.days()).expect("date in range");
    (start, start.checked_add(6.days()).expect("date in range"))
}

/// The demo's transition: the example plan (`examples/transitions/sur-contact-billing.toml`, read
/// in at build time) with its phases moved into the demo's history and no webhook: billing-es voice
/// moving from the in-house team to sur-contact, created 42 days before the end.
const EXAMPLE_TRANSITION: &str =
    include_str!("../../../examples/transitions/sur-contact-billing.toml");

/// The example plan's phase dates, and the demo's in days from the end (the third phase is the
/// last to have started by the end; the fourth and fifth are ahead).
const TRANSITION_PHASES: [(&str, i64); 5] = [
    ("2026-11-30", -41),
    ("2026-12-14", -27),
    ("2026-12-21", -13),
    ("2027-01-11", 8),
    ("2027-01-18", 15),
];

/// The demo's guardrail bounds, looser than the example's: sur-contact is in its stabilisation
/// window on the demo's data (its contract relaxes service level and abandonment while it lasts).
const TRANSITION_GUARDRAILS: [(&str, &str); 4] = [
    ("service_level", "min = 0.70"),
    ("abandon_rate", "max = 0.12"),
    ("csat_top2", "min = 0.75"),
    ("aht_s", "max = 420"),
];

/// The phase shares of the example plan, in the order of [`TRANSITION_PHASES`].
const TRANSITION_SHARES: [f64; 5] = [0.10, 0.25, 0.50, 0.75, 1.0];

/// The demo's plan text: the example's, with the phase dates moved and the webhook left out.
fn transition_plan(end: Date) -> Result<String> {
    let mut text = String::new();
    let mut skipping = false;
    let mut guardrail: Option<&str> = None;
    for line in EXAMPLE_TRANSITION.lines() {
        if line.starts_with('[') {
            skipping = line == "[webhook]";
        }
        if skipping {
            continue;
        }
        let mut line = line.to_string();
        if let Some(kpi) = line.strip_prefix("kpi = ") {
            let kpi = kpi.trim().trim_matches('"');
            let (_, bound) = TRANSITION_GUARDRAILS
                .iter()
                .find(|(k, _)| *k == kpi)
                .with_context(|| format!("unexpected guardrail in the example plan: {kpi}"))?;
            guardrail = Some(bound);
        } else if let Some(bound) = guardrail
            && (line.starts_with("min = ") || line.starts_with("max = "))
        {
            line = bound.to_string();
            guardrail = None;
        }
        if let Some(date) = line.strip_prefix("earliest = ") {
            let (_, days) = TRANSITION_PHASES
                .iter()
                .find(|(d, _)| *d == date.trim())
                .with_context(|| format!("unexpected phase date in the example plan: {date}"))?;
            line = format!("earliest = {}", end.checked_add(days.days())?);
        }
        text.push_str(&line);
        text.push('\n');
    }
    let head = "# relevo demo: examples/transitions/sur-contact-billing.toml with its phases moved \
                into the demo's history, guardrails at sur-contact's stabilisation-window levels \
                (service level >= 70 %, abandonment <= 12 %, CSAT top-2 >= 75 %) and no webhook.\n";
    Ok(format!("{head}{text}"))
}

/// sur-contact's share of billing-es voice on `day`, as the demo's transition plans it.
fn transition_share(end: Date, day: Date) -> Result<f64> {
    let mut share = 0.0;
    for ((_, days), s) in TRANSITION_PHASES.iter().zip(TRANSITION_SHARES) {
        if day >= end.checked_add(days.days())? {
            share = s;
        }
    }
    Ok(share)
}

fn generate(seed: u64, end: Date, days: u32, tz: &TimeZone) -> Result<Vec<Contact>> {
    let mut rng = Rng(seed ^ 0x005E_ED0F_DE30);
    let start = end.checked_sub(i64::from(days - 1).days())?;
    let (slip_from, slip_to) = slip_week(end);
    let mut out = Vec::new();
    let mut next_customer = 0u64;
    // Recent customers per queue language, for repeat contacts.
    let mut recent: Vec<Vec<(String, i64)>> = vec![Vec::new(), Vec::new()];
    let mut seq = [0u64; 3];
    for day_i in 0..days {
        let day = start.checked_add(i64::from(day_i).days())?;
        let growth = 1.0 + 0.08 * f64::from(day_i) / f64::from(days);
        let day_noise = 1.0 + 0.06 * rng.normal();
        let moved = transition_share(end, day)?;
        let midnight = day.to_zoned(tz.clone())?.start_of_day()?;
        for hour in 0..24i8 {
            let Ok(hour_start) = midnight.checked_add(i64::from(hour).hours()) else {
                continue;
            };
            let hour_ms = hour_start.timestamp().as_millisecond();
            for (qi, q) in QUEUES.iter().enumerate() {
                for (channel, share) in [("voice", 0.6), ("chat", 0.25), ("email", 0.15)] {
                    let lambda = q.daily
                        * share
                        * weekday_factor(day)
                        * growth
                        * day_noise
                        * hour_weight(hour, channel == "email");
                    let n = rng.poisson(lambda);
                    for _ in 0..n {
                        let arrived_ms = hour_ms + (rng.f64() * 3_600_000.0) as i64 / 1000 * 1000;
                        let r = rng.f64();
                        let mut acc = 0.0;
                        let mut pi = q.split[0].0;
                        // billing-es voice follows the transition's phases (inhouse, sur-contact).
                        let moving = [(0, 1.0 - moved), (2, moved)];
                        let split = if q.key == "billing-es" && channel == "voice" {
                            &moving[..]
                        } else {
                            q.split
                        };
                        for &(p, s) in split {
                            acc += s;
                            if r < acc {
                                pi = p;
                                break;
                            }
                        }
                        let p = &PROVIDERS[pi];
                        let slipping = pi == 1 && day >= slip_from && day <= slip_to;
                        // Stabilisation: sur-contact improves over its first six weeks with the queue.
                        let ramp = if pi == 2 {
                            1.0 + 0.6 * (1.0 - f64::from(day_i) / 42.0).max(0.0)
                        } else {
                            1.0
                        };
                        let peak = hour_weight(hour, false) * 24.0 / 2.0; // > 1 at busy hours
                        let (mut p_wait, mut mean_wait) =
                            (p.p_wait * ramp, p.mean_wait_s * ramp * peak.clamp(0.6, 1.6));
                        if slipping {
                            p_wait = 0.85;
                            mean_wait *= 3.2;
                        }
                        let (outcome, wait_s) = match channel {
                            "email" => (
                                "answered",
                                rng.exp(5.0 * 3600.0).clamp(60.0, 3.0 * 86_400.0),
                            ),
                            _ => {
                                let scale = if channel == "chat" { 2.2 } else { 1.0 };
                                let wait = if rng.chance(p_wait.min(0.95)) {
                                    rng.exp(mean_wait * scale)
                                } else {
                                    rng.f64() * 3.0
                                };
                                let patience =
                                    rng.exp(if channel == "chat" { 300.0 } else { 110.0 });
                                if wait > patience {
                                    ("abandoned", patience)
                                } else if channel == "voice" && wait > 150.0 && rng.chance(0.15) {
                                    ("flowout", wait)
                                } else {
                                    ("answered", wait)
                                }
                            }
                        };
                        let talk_mean = match channel {
                            "voice" => q.talk_s,
                            "chat" => q.talk_s * 1.6,
                            _ => 300.0,
                        } * p.aht_factor;
                        let answered = outcome == "answered";
                        let lang = usize::from(q.language == "en");
                        let customer = match recent[lang].last() {
                            Some(_) if rng.chance(p.repeat) => {
                                let pool = &recent[lang];
                                let lo =
                                    pool.partition_point(|(_, t)| *t < arrived_ms - 6 * 86_400_000);
                                if lo < pool.len() {
                                    pool[lo + (rng.next_u64() as usize % (pool.len() - lo))]
                                        .0
                                        .clone()
                                } else {
                                    format!("C{next_customer}")
                                }
                            }
                            _ => {
                                next_customer += 1;
                                format!("C{next_customer:07}")
                            }
                        };
                        recent[lang].push((customer.clone(), arrived_ms));
                        let csat = (answered && rng.chance(0.3)).then(|| {
                            let good = p.csat_good - if slipping { 0.15 } else { 0.0 };
                            if rng.chance(good) {
                                *rng.pick(&[4, 5, 5])
                            } else {
                                *rng.pick(&[1, 2, 3, 3])
                            }
                        });
                        let nps = csat.filter(|_| rng.chance(0.7)).map(|c| match c {
                            5 => *rng.pick(&[9, 10, 10, 8]),
                            4 => *rng.pick(&[7, 8, 9]),
                            3 => *rng.pick(&[5, 6, 7]),
                            _ => *rng.pick(&[0, 2, 4, 6]),
                        });
                        seq[pi] += 1;
                        let id = match p.delivery {
                            Delivery::AmazonConnect => {
                                let h = rng.next_u64();
                                format!(
                                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                                    h >> 32,
                                    (h >> 16) & 0xffff,
                                    h & 0xfff,
                                    seq[pi] & 0xfff,
                                    seq[pi]
                                )
                            }
                            Delivery::CanonicalCsv => {
                                format!("{}-{:08}", &p.key[..2].to_uppercase(), seq[pi])
                            }
                        };
                        let talk_s = if answered {
                            rng.lognormal(talk_mean).round() as i64
                        } else {
                            0
                        };
                        let hold_s = if answered && channel == "voice" && rng.chance(0.3) {
                            rng.exp(45.0).round() as i64
                        } else {
                            0
                        };
                        let acw_s = if answered {
                            rng.exp(if channel == "email" { 60.0 } else { 35.0 })
                                .round() as i64
                        } else {
                            0
                        };
                        let mut c = Contact {
                            provider: pi,
                            queue: qi,
                            channel,
                            id,
                            arrived_ms,
                            outcome,
                            end_wait_ms: (wait_s * 1000.0).round() as i64 / 1000 * 1000,
                            talk_s,
                            hold_s,
                            acw_s,
                            agent: format!(
                                "{}-{:03}",
                                &p.key[..2],
                                rng.next_u64() % u64::from(p.agents)
                            ),
                            customer,
                            transferred: answered && rng.chance(0.07),
                            csat,
                            nps,
                            qa: (answered && rng.chance(0.05))
                                .then(|| (85.0 + 8.0 * rng.normal()).clamp(40.0, 100.0).round()),
                            survey_ms: None,
                        };
                        if c.csat.is_some() {
                            c.survey_ms = Some(
                                c.ended_ms() + ((1.0 + rng.f64() * 4.0) * 86_400_000.0) as i64,
                            );
                        }
                        out.push(c);
                    }
                }
            }
        }
        for pool in &mut recent {
            let cutoff = midnight.timestamp().as_millisecond() - 8 * 86_400_000;
            let keep = pool.partition_point(|(_, t)| *t < cutoff);
            pool.drain(..keep);
        }
    }
    out.sort_by_key(|c| c.arrived_ms);
    Ok(out)
}

fn ts(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A generated contact as the canonical record its provider delivers (with the survey answers when
/// `with_survey`: the later version that carries them).
fn record(c: &Contact, with_survey: bool) -> Result<ContactRecord> {
    let q = &QUEUES[c.queue];
    let answered = c.answered_ms();
    let ended = c.ended_ms();
    let when = |b: bool, ms: i64| b.then_some(ms);
    let abandoned = c.outcome == "abandoned";
    Ok(ContactRecord {
        contact_id: c.id.clone(),
        provider: PROVIDERS[c.provider].key.to_string(),
        queue: q.key.to_string(),
        channel: c.channel.parse().map_err(anyhow::Error::msg)?,
        direction: relevo_core::Direction::Inbound,
        arrived_at_ms: c.arrived_ms,
        answered_at_ms: answered,
        abandoned_at_ms: when(abandoned, c.arrived_ms + c.end_wait_ms),
        ended_at_ms: when(!abandoned, ended),
        outcome: c.outcome.parse().map_err(anyhow::Error::msg)?,
        talk_ms: when(answered.is_some(), 1000 * c.talk_s),
        hold_ms: when(answered.is_some(), 1000 * c.hold_s),
        acw_ms: when(answered.is_some(), 1000 * c.acw_s),
        agent: answered.map(|_| c.agent.clone()),
        customer: (!c.customer.is_empty()).then(|| c.customer.clone()),
        reason: None,
        resolved: None,
        transferred: answered.map(|_| c.transferred),
        csat: c.csat.filter(|_| with_survey),
        nps: c.nps.filter(|_| with_survey),
        qa_milli: c.qa.map(|v| (v * 1000.0).round() as i64),
        language: Some(q.language.to_string()),
        updated_at_ms: if with_survey {
            c.survey_ms.unwrap_or(ended)
        } else {
            ended
        },
    })
}

fn ctr_json(c: &Contact, last_update_ms: i64) -> String {
    let q = &QUEUES[c.queue];
    let answered = c.answered_ms();
    let end_wait = c.arrived_ms + c.end_wait_ms;
    let disconnect = match answered {
        Some(a) => a + 1000 * (c.talk_s + c.hold_s),
        None => end_wait,
    };
    let agent = match answered {
        Some(a) => serde_json::json!({
            "ConnectedToAgentTimestamp": ts(a),
            "AgentInteractionDuration": c.talk_s,
            "CustomerHoldDuration": c.hold_s,
            "AfterContactWorkDuration": c.acw_s,
            "AfterContactWorkStartTimestamp": ts(disconnect),
            "AfterContactWorkEndTimestamp": ts(disconnect + 1000 * c.acw_s),
            "Username": c.agent,
        }),
        None => serde_json::Value::Null,
    };
    let v = serde_json::json!({
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "ContactId": c.id,
        "Channel": c.channel.to_uppercase(),
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": ts(c.arrived_ms - 20_000),
        "Queue": { "Name": q.key, "EnqueueTimestamp": ts(c.arrived_ms), "DequeueTimestamp": ts(end_wait), "Duration": c.end_wait_ms / 1000 },
        "Agent": agent,
        "CustomerEndpoint": { "Address": format!("+34{}", &c.customer[1..]), "Type": "TELEPHONE_NUMBER" },
        "DisconnectReason": if c.outcome == "abandoned" { "CUSTOMER_DISCONNECT" } else if c.outcome == "flowout" { "CONTACT_FLOW_DISCONNECT" } else { "AGENT_DISCONNECT" },
        "DisconnectTimestamp": ts(disconnect),
        "TransferCompletedTimestamp": if c.transferred { serde_json::Value::String(ts(disconnect)) } else { serde_json::Value::Null },
        "LastUpdateTimestamp": ts(last_update_ms),
    });
    v.to_string()
}

/// The files written, in import order: (path, provider for `--provider`).
struct Written {
    contacts: Vec<(PathBuf, Option<&'static str>)>,
    surveys: PathBuf,
    hours: PathBuf,
    counts: (usize, usize, usize),
}

/// Provider hours per queue and half hour, as a workforce-management export would give them:
/// staffed for an 80 % occupancy on the handled work (at least one agent while a queue has contacts),
/// productive = handled time, scheduled = staffed plus 10 %.
fn write_hours(path: &Path, contacts: &[Contact]) -> Result<()> {
    let mut work: std::collections::BTreeMap<(usize, usize, i64), i64> =
        std::collections::BTreeMap::new();
    for c in contacts.iter().filter(|c| c.outcome == "answered") {
        let slot = c.arrived_ms.div_euclid(1_800_000);
        *work.entry((c.provider, c.queue, slot)).or_default() += c.talk_s + c.hold_s + c.acw_s;
    }
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "provider",
        "queue",
        "period_start",
        "period_end",
        "staffed_s",
        "productive_s",
        "scheduled_s",
    ])?;
    for ((p, q, slot), handled_s) in work {
        let agents = ((handled_s as f64 / 1800.0) / 0.8).ceil().max(1.0) as i64;
        let staffed_s = agents * 1800;
        let productive_s = handled_s.min(staffed_s);
        w.write_record([
            PROVIDERS[p].key.to_string(),
            QUEUES[q].key.to_string(),
            ts(slot * 1_800_000),
            ts((slot + 1) * 1_800_000),
            staffed_s.to_string(),
            productive_s.to_string(),
            (staffed_s * 11 / 10).to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_files(dir: &Path, contacts: &[Contact], now_ms: i64, seed: u64) -> Result<Written> {
    let cdir = dir.join("contacts");
    std::fs::create_dir_all(&cdir).with_context(|| format!("cannot create {}", cdir.display()))?;
    let mut rng = Rng(seed ^ 0xC7A);
    let mut csvs: Vec<csv::Writer<std::fs::File>> = Vec::new();
    let mut paths = Vec::new();
    for p in &PROVIDERS {
        let path = cdir.join(format!("{}.csv", p.key));
        let mut w = csv::Writer::from_path(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        w.write_record(relevo_import::canonical_header())?;
        csvs.push(w);
        paths.push((path, None));
    }
    let ctr_path = cdir.join("inhouse-amazon-connect.jsonl");
    let mut ctr = std::io::BufWriter::new(
        std::fs::File::create(&ctr_path)
            .with_context(|| format!("cannot write {}", ctr_path.display()))?,
    );
    let mut redelivered = 0;
    for c in contacts {
        if PROVIDERS[c.provider].delivery == Delivery::AmazonConnect && c.channel != "email" {
            let first = c.ended_ms() + 60_000;
            writeln!(ctr, "{}", ctr_json(c, first))?;
            if rng.chance(0.03) {
                // At-least-once delivery: the same record again, later.
                writeln!(ctr, "{}", ctr_json(c, first + 3_600_000))?;
                redelivered += 1;
            }
        } else {
            csvs[c.provider].write_record(relevo_import::canonical_fields(&record(c, false)?))?;
        }
    }
    ctr.flush()?;
    for w in &mut csvs {
        w.flush()?;
    }
    paths.push((ctr_path, Some("inhouse")));
    // Surveys arrive days later as a newer version of the whole record; those not yet due are not sent.
    let surveys = dir.join("surveys.csv");
    let mut w = csv::Writer::from_path(&surveys)
        .with_context(|| format!("cannot write {}", surveys.display()))?;
    w.write_record(relevo_import::canonical_header())?;
    let mut n_surveys = 0;
    for c in contacts
        .iter()
        .filter(|c| c.survey_ms.is_some_and(|t| t <= now_ms))
    {
        w.write_record(relevo_import::canonical_fields(&record(c, true)?))?;
        n_surveys += 1;
    }
    w.flush()?;
    let hours = dir.join("hours.csv");
    write_hours(&hours, contacts)?;
    Ok(Written {
        contacts: paths,
        surveys,
        hours,
        counts: (contacts.len(), redelivered, n_surveys),
    })
}

fn import(db: &Path, files: &[PathBuf], provider: Option<&str>, kind: &str) -> Result<()> {
    let args = crate::import_cmd::ImportArgs {
        files: files.to_vec(),
        db: Some(db.to_path_buf()),
        kind: kind.into(),
        format: "auto".into(),
        provider: provider.map(str::to_string),
        tz: "UTC".into(),
        mapping: None,
        skip_invalid: false,
        rejects: None,
    };
    crate::import_cmd::run(&args).map(|_| ())
}

pub fn run(args: &DemoArgs) -> Result<ExitCode> {
    let tz = zone("Europe/Madrid")?;
    #[allow(clippy::disallowed_methods)] // the command is the edge that reads the clock
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let end = match args.until {
        Some(d) => d,
        None => today.yesterday()?,
    };
    if args.days < 7 {
        anyhow::bail!("--days must be at least 7");
    }
    let now_ms = end
        .tomorrow()?
        .to_zoned(tz.clone())?
        .timestamp()
        .as_millisecond();
    let db = args.dir.join("relevo.db");
    if db.exists() && !args.force {
        anyhow::bail!(
            "{} exists: its users, tokens and transitions would be lost; run again with --force to \
             start afresh, or choose another --dir",
            db.display()
        );
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot replace {}", p.display()))?;
        }
    }
    eprintln!(
        "generating {} days of contacts up to {end} (seed {}) …",
        args.days, args.seed
    );
    let contacts = generate(args.seed, end, args.days, &tz)?;
    let written = write_files(&args.dir, &contacts, now_ms, args.seed)?;
    let (n, redelivered, surveys) = written.counts;
    println!(
        "wrote {} contacts ({} Amazon Connect records delivered twice) and {} survey updates to {}",
        thousands(n as u64),
        redelivered,
        thousands(surveys as u64),
        args.dir.display()
    );
    for (path, provider) in &written.contacts {
        import(&db, std::slice::from_ref(path), *provider, "contacts")?;
    }
    import(
        &db,
        std::slice::from_ref(&written.surveys),
        None,
        "contacts",
    )?;
    import(&db, std::slice::from_ref(&written.hours), None, "hours")?;
    // The BPOs' contracts (and the in-house cost model), as a vendor manager would add them.
    for (name, text) in DEMO_CONTRACTS {
        let path = args.dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        crate::contract_cmd::run(&crate::contract_cmd::ContractArgs {
            command: crate::contract_cmd::ContractCommand::Add {
                file: path,
                by: Some("relevo demo".into()),
            },
            db: Some(db.clone()),
        })?;
    }
    let (mut store, _) = open_store(Some(&db))?;
    let (transition_id, transition) = start_transition(&mut *store, &args.dir, end, &tz, now_ms)?;
    if !args.no_report {
        let (slip_from, _) = slip_week(end);
        // Six weeks from a Monday (whole weeks but the last), within the history.
        let monday = end.checked_sub(i64::from(end.weekday().to_monday_zero_offset()).days())?;
        let from = monday
            .checked_sub(35.days())?
            .max(end.checked_sub(i64::from(args.days - 1).days())?);
        let rargs = crate::report_cmd::ReportArgs {
            from: from.to_string(),
            to: end.to_string(),
            by: relevo_metrics::Granularity::Week,
            group: "provider".parse().map_err(anyhow::Error::msg)?,
            tz: "Europe/Madrid".into(),
            sl_threshold: None,
            short_abandon: 5,
            abandon_treatment: relevo_core::AbandonTreatment::Counted,
            include_flowouts: false,
            fcr_window_days: 7,
            as_of: Some(now_ms_to_string(now_ms)),
            provider: None,
            queue: Vec::new(),
            channel: vec![relevo_core::Channel::Voice],
            format: "table".into(),
            output: None,
            db: Some(db.clone()),
            blend_channels: false,
        };
        let (spec, rows) = crate::report_cmd::compute(&*store, &rargs)?;
        println!();
        println!(
            "Voice, weekly per provider, Europe/Madrid (northwind-bpo's service slipped the week of {slip_from}):"
        );
        print!("{}", crate::report_cmd::render(&spec, &rows, "table")?);
        // The last whole month: the end's own when the history ends on its last day.
        let last_month = if end.tomorrow()?.day() == 1 {
            relevo_contracts::Month::of(end)
        } else {
            relevo_contracts::Month::of(end.first_of_month().yesterday()?)
        };
        println!();
        println!("Contracts, {last_month}:");
        for provider in ["northwind-bpo", "sur-contact"] {
            match crate::contract_cmd::summary_line(&*store, provider, last_month, now_ms) {
                Ok(line) => println!("  {line}"),
                Err(e) => println!("  {provider}: {e:#}"),
            }
        }
        println!();
        println!("Transition {transition}");
        println!(
            "  the plan: {}",
            args.dir.join("transition-billing-es.toml").display()
        );
        println!();
        println!("Try next:");
        println!("  export RELEVO_DB={}", db.display());
        println!("  relevo scorecard --provider northwind-bpo --period {last_month}");
        println!("  relevo invoice --provider sur-contact --period {last_month}");
        println!("  relevo costs --period {last_month}");
        println!(
            "  relevo report --from {from} --to {end} --by week --group provider,channel --tz Europe/Madrid"
        );
        println!(
            "  relevo report --from {slip_from} --to {slip_from} --by hour --provider northwind-bpo --channel voice --tz Europe/Madrid"
        );
        println!(
            "  relevo report --from {end} --to {end} --by interval --group queue --format csv"
        );
        println!(
            "  relevo forecast --queue billing-es --tz Europe/Madrid --interval 60m --backtest 14"
        );
        println!(
            "  relevo transition status {transition_id} --as-of {}",
            end.tomorrow()?
        );
        println!("  relevo check");
        if !args.no_serve {
            drop(store);
            crate::serve_cmd::serve_demo(&db, args.listen, "Europe/Madrid")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates the demo's transition (plan written to `dir/transition-billing-es.toml`) 42 days before
/// the end and evaluates it at every local midnight up to `now_ms`, as a daily job would; returns
/// its id and one line on where it stands.
fn start_transition(
    store: &mut dyn relevo_store::Store,
    dir: &Path,
    end: Date,
    tz: &TimeZone,
    now_ms: i64,
) -> Result<(i64, String)> {
    let text = transition_plan(end)?;
    let path = dir.join("transition-billing-es.toml");
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    let plan = relevo_transitions::TransitionPlan::parse(&text, &relevo_app::transitions::zones)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let created = end.checked_sub(42.days())?;
    let midnight =
        |d: Date| -> Result<i64> { Ok(d.to_zoned(tz.clone())?.timestamp().as_millisecond()) };
    let created_ms = midnight(created)?;
    let actor = "relevo demo";
    let id = relevo_app::transitions::create(store, &plan, created_ms, actor, created_ms)?;
    let mut day = created.tomorrow()?;
    let mut last = None;
    while midnight(day)? <= now_ms {
        let at = midnight(day)?;
        let o = relevo_app::transitions::evaluate(store, id, at, actor, &|| at)?;
        last = Some(o.state);
        day = day.tomorrow()?;
    }
    let state = last.unwrap_or_else(|| relevo_transitions::State::new(created_ms));
    let line = format!(
        "{id}, {} ({} → {}): phase {}/{} {} since {} ({})",
        plan.name,
        plan.from,
        plan.to,
        state.phase,
        plan.last_phase(),
        plan.phase_label(state.phase),
        plan.format_instant(state.phase_since_ms),
        state.describe(&plan)
    );
    Ok((id, line))
}

fn now_ms_to_string(ms: i64) -> String {
    ts(ms)
}
