#![allow(clippy::disallowed_methods)] // a benchmark tool reads its arguments and the clock
//! Load benchmark on loopback: contacts ingested per second through `POST /api/v1/contacts` in
//! batches, and the overview page's latency (p50/p99) with and without ingest running.
//!
//! ```text
//! cargo run --release -p relevo-server --example load -- DB [SECONDS] [INGEST_CLIENTS] [BATCH] [FLAGS]
//! ```
//!
//! The server runs in this process on a real loopback listener (the same `relevo_server::serve` the
//! binary runs); the clients are plain keep-alive HTTP/1.1 connections on their own threads, so
//! client and server share the machine's cores. New records go to provider `load-bpo`, arriving in
//! the last week of the store's data, so the overview's default period includes them: as a live
//! feed (consecutive records 0.15 s apart), or with the flag `spread` scattered over the whole
//! week. Each record has a customer key (50,000 customers) unless the flags say `no-customers`
//! (then the key goes into `agent`): FLAGS is a comma list, e.g. `spread,no-customers`.

use relevo_store::auth::NewToken;
use relevo_store::{Role, Scope};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let db = args
        .get(1)
        .expect("usage: load DB [SECONDS] [INGEST_CLIENTS] [BATCH]")
        .clone();
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let clients: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2);
    let batch: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1_000);
    let flags = args.get(5).cloned().unwrap_or_default();
    let spread = flags.split(',').any(|f| f == "spread");
    let customers = !flags.split(',').any(|f| f == "no-customers");

    let store = relevo_store::open(&db).expect("open the database");
    let summary = store.summary(&Scope::All).unwrap();
    let last_ms = summary.last_arrived_ms.expect("a store with data");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (_, token) = relevo_app::accounts::create_token(
        &*store,
        "load-benchmark",
        &NewToken {
            name: "load".into(),
            role: Role::Admin,
            provider: None,
            expires_at_ms: Some(now + 86_400_000),
        },
        now,
    )
    .unwrap();
    drop(store);
    println!(
        "store: {} records, last arrival {}",
        summary.records,
        jiff::Timestamp::from_millisecond(last_ms).unwrap()
    );

    let mut config = relevo_server::Config::new(db.clone());
    config.max_batch_records = batch.max(1_000);
    config.max_body_bytes = 64 << 20;
    let state = relevo_server::AppState::open(
        config,
        relevo_server::system_clock(),
        Arc::new(|_: &str| {}),
    )
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            relevo_server::serve(l, state, std::future::pending())
                .await
                .unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    println!(
        "server: http://{addr}/  ingest clients: {clients}, batch: {batch}, {secs} s per phase"
    );

    // Warm up: one overview (page cache) and one batch.
    let mut c = Conn::new(addr, &token);
    let (status, body) = c.get("/overview");
    assert_eq!(status, 200, "{body}");
    let seq = Arc::new(AtomicU64::new(0));
    let (status, body) = c.post_contacts(&make_batch(&seq, batch, last_ms, spread, customers));
    assert_eq!(status, 200, "{body}");

    let alone = overview_latencies(addr, &token, Duration::from_secs(secs.min(10)));
    report("overview alone", &alone);

    let (n, elapsed, worst) = ingest(
        addr,
        &token,
        &seq,
        clients,
        (batch, last_ms, spread, customers),
        || std::thread::sleep(Duration::from_secs(secs)),
    );
    println!(
        "ingest alone: {n} contacts in {elapsed:.1} s = {:.0} contacts/s ({} batches of {batch}; slowest batch {:.0} ms)",
        n as f64 / elapsed,
        n / batch as u64,
        worst.as_secs_f64() * 1000.0
    );
    let mut during = Vec::new();
    let (n, elapsed, worst) = ingest(
        addr,
        &token,
        &seq,
        clients,
        (batch, last_ms, spread, customers),
        || during = overview_latencies(addr, &token, Duration::from_secs(secs)),
    );
    println!(
        "ingest with overview polling: {n} contacts in {elapsed:.1} s = {:.0} contacts/s (slowest batch {:.0} ms)",
        n as f64 / elapsed,
        worst.as_secs_f64() * 1000.0
    );
    report("overview during ingest", &during);
}

/// Runs `clients` ingest connections while `during` runs; returns contacts, seconds, slowest batch.
fn ingest(
    addr: SocketAddr,
    token: &str,
    seq: &Arc<AtomicU64>,
    clients: usize,
    (batch, last_ms, spread, customers): (usize, i64, bool, bool),
    during: impl FnOnce(),
) -> (u64, f64, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut threads = Vec::new();
    for _ in 0..clients {
        let (stop, done, seq, token) = (stop.clone(), done.clone(), seq.clone(), token.to_string());
        threads.push(std::thread::spawn(move || {
            let mut c = Conn::new(addr, &token);
            let mut worst = Duration::ZERO;
            while !stop.load(Ordering::Relaxed) {
                let body = make_batch(&seq, batch, last_ms, spread, customers);
                let t = Instant::now();
                let (status, text) = c.post_contacts(&body);
                worst = worst.max(t.elapsed());
                assert_eq!(status, 200, "{text}");
                done.fetch_add(batch as u64, Ordering::Relaxed);
            }
            worst
        }));
    }
    during();
    stop.store(true, Ordering::Relaxed);
    let worst: Duration = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .max()
        .unwrap();
    (
        done.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        worst,
    )
}

fn report(what: &str, lat: &[Duration]) {
    let mut ms: Vec<f64> = lat.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
    println!(
        "{what}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        q(0.50),
        q(0.99),
        ms[ms.len() - 1]
    );
}

/// Requests the overview back to back (one every 20 ms at most) for `span`.
fn overview_latencies(addr: SocketAddr, token: &str, span: Duration) -> Vec<Duration> {
    let mut c = Conn::new(addr, token);
    let end = Instant::now() + span;
    let mut out = Vec::new();
    while Instant::now() < end {
        let t = Instant::now();
        let (status, body) = c.get("/overview");
        let d = t.elapsed();
        assert_eq!(status, 200, "{body}");
        out.push(d);
        if d < Duration::from_millis(20) {
            std::thread::sleep(Duration::from_millis(20) - d);
        }
    }
    out
}

/// When record `k` arrived: a live feed (a record every 0.15 s of data, so a batch covers a few
/// minutes and touches a handful of cube cells) or, with `spread`, scattered over the week (every
/// record in its own cell: the worst case for the cube).
fn arrival_s(k: u64, last_ms: i64, spread: bool) -> i64 {
    let week = 7 * 86_400;
    let offset = if spread {
        k * 7919 % week
    } else {
        k * 150 / 1000 % week
    };
    last_ms / 1000 - week as i64 + offset as i64
}

/// A batch of new records (JSON array) for provider `load-bpo`, arriving over the store's last week.
fn make_batch(seq: &AtomicU64, n: usize, last_ms: i64, spread: bool, customers: bool) -> String {
    let first = seq.fetch_add(n as u64, Ordering::Relaxed);
    let mut s = String::with_capacity(n * 330);
    s.push('[');
    for i in 0..n as u64 {
        let k = first + i;
        let arrived_s = arrival_s(k, last_ms, spread);
        let t = jiff::Timestamp::from_second(arrived_s).unwrap();
        let wait = (k % 60) as i64;
        let answered = jiff::Timestamp::from_second(arrived_s + wait).unwrap();
        let queue = ["billing-es", "billing-en", "tech-es"][(k % 3) as usize];
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"contact_id\":\"load-{k}\",\"provider\":\"load-bpo\",\"queue\":\"{queue}\",\"channel\":\"voice\",\"arrived_at\":\"{t}\",\"answered_at\":\"{answered}\",\"talk_s\":{},\"acw_s\":20,\"{}\":\"c{}\",\"csat\":{}}}",
            120 + k % 300,
            if customers { "customer" } else { "agent" },
            k % 50_000,
            1 + k % 5
        ));
    }
    s.push(']');
    s
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    stream: TcpStream,
    auth: String,
    buf: Vec<u8>,
}

impl Conn {
    fn new(addr: SocketAddr, token: &str) -> Conn {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            stream,
            auth: format!("Bearer {token}"),
            buf: Vec::new(),
        }
    }

    fn get(&mut self, path: &str) -> (u16, String) {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\n\r\n",
            self.auth
        );
        self.stream.write_all(req.as_bytes()).unwrap();
        self.read_response()
    }

    fn post_contacts(&mut self, body: &str) -> (u16, String) {
        let head = format!(
            "POST /api/v1/contacts HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.auth,
            body.len()
        );
        self.stream.write_all(head.as_bytes()).unwrap();
        self.stream.write_all(body.as_bytes()).unwrap();
        self.read_response()
    }

    fn read_response(&mut self) -> (u16, String) {
        let mut chunk = [0u8; 65_536];
        let header_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = self.stream.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&self.buf[..header_end]).to_string();
        let status: u16 = head[9..12].parse().unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .expect("a content-length");
        while self.buf.len() < header_end + len {
            let n = self.stream.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
        let body = String::from_utf8_lossy(&self.buf[header_end..header_end + len]).to_string();
        self.buf.drain(..header_end + len);
        (status, body)
    }
}
