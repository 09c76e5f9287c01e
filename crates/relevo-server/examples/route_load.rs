#![allow(clippy::disallowed_methods)] // a benchmark tool reads its arguments and the clock
//! Routing over HTTP on loopback: `POST /api/v1/route` at a fixed offered rate (open loop), and
//! the most decisions per second (closed loop).
//!
//! ```text
//! cargo run --release -p relevo-server --example route_load -- [RATE] [SECONDS] [CONNECTIONS] [CUSTOMERS]
//! ```
//!
//! Defaults: 10,000 decisions/s for 20 s over 32 keep-alive connections, customer keys drawn
//! from 1,000,000 customers. The server is `relevo_server::serve` on a real loopback listener in
//! this process, on a fresh database in the temporary folder with one transition (billing/voice,
//! advanced to its 25 % phase), so the routes, the state persistence (flush every 10,000
//! decisions and every second) and the audit of decision counts all run as in production.
//!
//! Open loop: connection `c` sends requests `c, c + C, c + 2C, …`, request `i` scheduled at
//! `t0 + i / RATE`; its latency runs from the scheduled time, not the send time, so a slow
//! server is charged for the requests it delays (no coordinated omission). Closed loop: every
//! connection sends back to back for the same time. Client and server share the machine's cores.

use relevo_store::auth::NewToken;
use relevo_store::{NewTransition, Role};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PLAN: &str = r#"
name = "billing to the BPO"
queue = "billing"
channels = ["voice"]
from = "inhouse"
to = "bpo"
[[phases]]
name = "25 %"
share = 0.25
[[phases]]
name = "50 %"
share = 0.5
[gate]
window = "1d"
guardrails = [{ kpi = "service_level", min = 0.8 }]
"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rate: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000.0);
    let secs: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let conns: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let customers: u64 = args
        .get(4)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);

    let dir = std::env::temp_dir().join(format!("relevo-route-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("relevo.db");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let token = {
        let mut store = relevo_store::open(&db.display().to_string()).unwrap();
        let (_, token) = relevo_app::accounts::create_token(
            &*store,
            "route-benchmark",
            &NewToken {
                name: "route".into(),
                role: Role::Manager,
                provider: None,
                expires_at_ms: Some(now + 86_400_000),
            },
            now,
        )
        .unwrap();
        let state = relevo_transitions::State::new(now - 86_400_000);
        let id = store
            .create_transition(
                &NewTransition {
                    name: "billing to the BPO",
                    queue: "billing",
                    from_provider: "inhouse",
                    to_provider: "bpo",
                    plan: PLAN,
                    state: &serde_json::to_string(&state).unwrap(),
                },
                "bench",
                now,
            )
            .unwrap();
        relevo_app::transitions::operate(
            &mut *store,
            id,
            relevo_app::transitions::Op::Advance,
            "bench",
            "start the pilot",
            now - 3_600_000,
            &|| now,
        )
        .unwrap();
        token
    };

    let config = relevo_server::Config::new(db.display().to_string());
    let state = relevo_server::AppState::open(
        config,
        relevo_server::system_clock(),
        Arc::new(|_: &str| {}),
    )
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio_oneshot();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            relevo_server::serve(l, state, async move {
                let _ = tokio::task::spawn_blocking(move || stop_rx.recv()).await;
            })
            .await
            .unwrap();
        });
    });
    let addr: SocketAddr = rx.recv().unwrap();
    println!(
        "server on {addr}; {conns} connections, customers from {customers}, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // Warm up (connections, routers, the token look-up).
    let warm = run(addr, &token, conns, None, 2.0, customers, 0);
    let open = run(addr, &token, conns, Some(rate), secs, customers, 1 << 32);
    report(
        &format!("open loop at {rate:.0}/s for {secs} s"),
        &open,
        secs,
    );
    let closed = run(
        addr,
        &token,
        conns,
        None,
        secs.min(10.0),
        customers,
        2 << 32,
    );
    report(
        &format!("closed loop, {conns} connections, {} s", secs.min(10.0)),
        &closed,
        secs.min(10.0),
    );

    let _ = stop_tx.send(());
    server.join().unwrap();
    let store = relevo_store::open(&db.display().to_string()).unwrap();
    let counted: i64 = store
        .routing_counts(1)
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    let sent = warm.ok + open.ok + closed.ok;
    println!(
        "decision counts in the store after shutdown: {counted} of {sent} answered ({})",
        if counted == sent {
            "all persisted"
        } else {
            "MISMATCH"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tokio_oneshot() -> (std::sync::mpsc::Sender<()>, std::sync::mpsc::Receiver<()>) {
    std::sync::mpsc::channel()
}

struct Run {
    /// Latencies in microseconds.
    lat: Vec<u64>,
    ok: i64,
    errors: i64,
    elapsed: Duration,
}

fn run(
    addr: SocketAddr,
    token: &str,
    conns: usize,
    rate: Option<f64>,
    secs: f64,
    customers: u64,
    seed: u64,
) -> Run {
    let t0 = Instant::now() + Duration::from_millis(50);
    let total = rate.map(|r| (r * secs) as u64);
    let end = t0 + Duration::from_secs_f64(secs);
    let handles: Vec<_> = (0..conns)
        .map(|c| {
            let token = token.to_owned();
            std::thread::spawn(move || {
                let mut conn = Conn::new(addr, &token);
                let mut lat = Vec::new();
                let (mut ok, mut errors) = (0i64, 0i64);
                let mut i = c as u64;
                loop {
                    let scheduled = match (rate, total) {
                        (Some(r), Some(n)) => {
                            if i >= n {
                                break;
                            }
                            let at = t0 + Duration::from_secs_f64(i as f64 / r);
                            let now = Instant::now();
                            if at > now {
                                std::thread::sleep(at - now);
                            }
                            at
                        }
                        _ => {
                            let now = Instant::now();
                            if now >= end {
                                break;
                            }
                            now.max(t0)
                        }
                    };
                    let k = splitmix(seed + i) % customers;
                    let body = format!(
                        "{{\"queue\":\"billing\",\"channel\":\"voice\",\"customer\":\"c{k}\"}}"
                    );
                    let status = conn.post("/api/v1/route", &body);
                    lat.push(scheduled.elapsed().as_micros() as u64);
                    if status == 200 {
                        ok += 1;
                    } else {
                        errors += 1;
                    }
                    i += conns as u64;
                }
                (lat, ok, errors)
            })
        })
        .collect();
    let mut out = Run {
        lat: Vec::new(),
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for h in handles {
        let (lat, ok, errors) = h.join().unwrap();
        out.lat.extend(lat);
        out.ok += ok;
        out.errors += errors;
    }
    out.elapsed = t0.elapsed();
    out
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn report(what: &str, r: &Run, secs: f64) {
    let mut lat = r.lat.clone();
    lat.sort_unstable();
    if lat.is_empty() {
        println!("{what}: no requests");
        return;
    }
    let q = |p: f64| {
        lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1] as f64 / 1000.0
    };
    println!(
        "{what}: {} ok, {} errors, {:.0} decisions/s over {:.1} s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        r.ok,
        r.errors,
        r.ok as f64 / r.elapsed.as_secs_f64().max(secs),
        r.elapsed.as_secs_f64(),
        q(0.50),
        q(0.90),
        q(0.99),
        q(0.999),
        lat[lat.len() - 1] as f64 / 1000.0
    );
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

    fn post(&mut self, path: &str, body: &str) -> u16 {
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.auth,
            body.len()
        );
        self.stream.write_all(req.as_bytes()).unwrap();
        let mut chunk = [0u8; 16_384];
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
        self.buf.drain(..header_end + len);
        status
    }
}
