//! A seeded server in a temporary folder: two providers' contacts, a token and a person per role, a
//! fixed clock, and helpers to send requests through the router without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use relevo_server::{AppState, Config, PasswordCost, router};
use relevo_store::Role;
use relevo_store::auth::NewToken;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

/// 2026-10-03T12:00:00Z: after the seeded data, so FCR windows are open and periods default sanely.
pub const NOW_MS: i64 = 1_791_028_800_000;

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "relevo-server-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Server {
    pub state: AppState,
    /// Kept alive for the database file; removed on drop.
    pub _dir: TempDir,
    /// Token secrets: admin, manager, analyst, provider acme, provider zenith.
    pub admin: String,
    pub manager: String,
    pub analyst: String,
    pub acme: String,
    pub zenith: String,
    pub log: Arc<std::sync::Mutex<Vec<String>>>,
}

/// One canonical record as JSON.
pub fn contact(
    provider: &str,
    id: &str,
    queue: &str,
    channel: &str,
    arrived: &str,
    wait_s: i64,
    answered: bool,
) -> serde_json::Value {
    let t = arrived.parse::<jiff::Timestamp>().unwrap();
    let later = |s: i64| (t + jiff::SignedDuration::from_secs(s)).to_string();
    let mut v = serde_json::json!({
        "contact_id": id,
        "provider": provider,
        "queue": queue,
        "channel": channel,
        "arrived_at": arrived,
    });
    if answered {
        v["answered_at"] = later(wait_s).into();
        v["ended_at"] = later(wait_s + 200).into();
        v["talk_s"] = 180.into();
        v["acw_s"] = 20.into();
        v["csat"] = 5.into();
        v["nps"] = 9.into();
        v["customer"] = format!("cust-{id}").into();
    } else {
        v["abandoned_at"] = later(wait_s).into();
    }
    v
}

/// Both providers' contacts over two days: acme meets its targets, zenith does not; `tech` is a
/// queue only zenith serves.
pub fn seed_records() -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for day in ["2026-10-01", "2026-10-02"] {
        for h in 8..18 {
            for k in 0..4 {
                let at = format!("{day}T{h:02}:{:02}:00Z", k * 15);
                let n = out.len();
                out.push(contact(
                    "acme",
                    &format!("a{n}"),
                    "billing",
                    "voice",
                    &at,
                    10,
                    true,
                ));
                out.push(contact(
                    "zenith",
                    &format!("z{n}"),
                    "billing",
                    "voice",
                    &at,
                    45,
                    k != 0,
                ));
                out.push(contact(
                    "zenith",
                    &format!("t{n}"),
                    "tech",
                    "chat",
                    &at,
                    90,
                    true,
                ));
            }
        }
    }
    out
}

/// Both providers' hours on the morning of 2026-10-01.
pub const HOURS: &str = "provider,queue,period_start,period_end,staffed_s,productive_s,scheduled_s
acme,billing,2026-10-01T08:00:00Z,2026-10-01T09:00:00Z,14400,10800,14400
zenith,tech,2026-10-01T08:00:00Z,2026-10-01T08:30:00Z,3600,1800,3600
";

pub const PASSWORD: &str = "correct horse battery";

impl Server {
    pub fn new(tag: &str) -> Server {
        Server::with_contracts(tag, &[])
    }

    /// A server whose store holds `contracts` (provider, TOML text; version 1 of 2026) in place of
    /// the placeholder contract of each provider they name.
    pub fn with_contracts(tag: &str, contracts: &[(&str, &str)]) -> Server {
        let dir = TempDir::new(tag);
        let db = dir.0.join("relevo.db");
        let store = relevo_store::open(&db.display().to_string()).unwrap();
        let mk = |role: Role, provider: Option<&str>| {
            relevo_app::accounts::create_token(
                &*store,
                "test",
                &NewToken {
                    name: format!("{role}"),
                    role,
                    provider: provider.map(str::to_string),
                    expires_at_ms: Some(NOW_MS + 86_400_000),
                },
                NOW_MS,
            )
            .unwrap()
            .1
        };
        let (admin, manager, analyst) = (
            mk(Role::Admin, None),
            mk(Role::Manager, None),
            mk(Role::Analyst, None),
        );
        let (acme, zenith) = (
            mk(Role::Provider, Some("acme")),
            mk(Role::Provider, Some("zenith")),
        );
        let cost = PasswordCost {
            memory_kib: 64,
            iterations: 1,
        };
        for (name, role, provider) in [
            ("ana", Role::Admin, None),
            ("ana-acme", Role::Provider, Some("acme")),
            ("zoe-zenith", Role::Provider, Some("zenith")),
        ] {
            relevo_app::accounts::add_user(
                &*store,
                "test",
                &relevo_app::accounts::NewUser {
                    name,
                    password: PASSWORD,
                    role,
                    provider,
                },
                cost,
                NOW_MS,
            )
            .unwrap();
        }
        let mut store = store;
        for provider in ["acme", "zenith"] {
            let placeholder = format!("provider = \"{provider}\"\nversion = 1\n");
            let source = contracts
                .iter()
                .find(|(p, _)| *p == provider)
                .map_or(placeholder.as_str(), |(_, text)| text);
            store
                .add_contract(&relevo_store::contracts::NewContract {
                    provider,
                    version: 1,
                    valid_from: "2026-01-01",
                    valid_to: Some("2026-12-31"),
                    source,
                    added_at_ms: NOW_MS,
                    added_by: "test",
                })
                .unwrap();
        }
        drop(store);
        let mut config = Config::new(db.display().to_string());
        config.password_cost = cost;
        config.max_batch_records = 1_000;
        config.max_body_bytes = 1 << 20;
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        let state = AppState::open(
            config,
            Arc::new(|| NOW_MS),
            Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string())),
        )
        .unwrap();
        Server {
            state,
            _dir: dir,
            admin,
            manager,
            analyst,
            acme,
            zenith,
            log,
        }
    }

    /// A second server on the same database (a restart), sharing the tokens and the log.
    pub fn restarted(&self) -> Server {
        let sink = self.log.clone();
        let state = AppState::open(
            self.state.config().clone(),
            Arc::new(|| NOW_MS),
            Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string())),
        )
        .unwrap();
        Server {
            state,
            _dir: TempDir(std::env::temp_dir().join("relevo-server-restarted-never-created")),
            admin: self.admin.clone(),
            manager: self.manager.clone(),
            analyst: self.analyst.clone(),
            acme: self.acme.clone(),
            zenith: self.zenith.clone(),
            log: self.log.clone(),
        }
    }

    /// The same database and tokens served with `edit`ed settings, its clock at `now_ms`.
    pub fn reconfigured(self, now_ms: i64, edit: impl FnOnce(&mut Config)) -> Server {
        let mut config = self.state.config().clone();
        edit(&mut config);
        let sink = self.log.clone();
        let state = AppState::open(
            config,
            Arc::new(move || now_ms),
            Arc::new(move |l: &str| sink.lock().unwrap().push(l.to_string())),
        )
        .unwrap();
        Server { state, ..self }
    }

    /// A server with the seed records pushed through the API.
    pub async fn seeded(tag: &str) -> Server {
        Server::seeded_with_contracts(tag, &[]).await
    }

    /// [`Server::seeded`] over [`Server::with_contracts`].
    pub async fn seeded_with_contracts(tag: &str, contracts: &[(&str, &str)]) -> Server {
        let s = Server::with_contracts(tag, contracts);
        let body = serde_json::to_string(&seed_records()).unwrap();
        let r = s
            .call(
                "POST",
                "/api/v1/contacts",
                Some(&s.admin.clone()),
                Some(&body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = s
            .call("POST", "/api/v1/hours", Some(&s.admin.clone()), Some(HOURS))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        s
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = router(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request with an optional bearer token and body.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        self.send(b.body(Body::from(body.unwrap_or("").to_string())).unwrap())
            .await
    }

    /// A page request with a session cookie.
    pub async fn page(&self, uri: &str, session: &str) -> Reply {
        self.send(
            Request::builder()
                .uri(uri)
                .header(header::COOKIE, format!("relevo_session={session}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Logs in through the form; returns the session cookie value.
    pub async fn login(&self, name: &str, password: &str) -> Result<String, Reply> {
        self.login_from(name, password, None, None).await
    }

    /// A login from the client at `peer` (the socket's address), with an `X-Forwarded-For`.
    pub async fn login_from(
        &self,
        name: &str,
        password: &str,
        peer: Option<&str>,
        forwarded_for: Option<&str>,
    ) -> Result<String, Reply> {
        let with_peer = |mut b: axum::http::request::Builder| {
            if let Some(p) = peer {
                let addr: std::net::SocketAddr = format!("{p}:40000").parse().unwrap();
                b = b.extension(axum::extract::ConnectInfo(addr));
            }
            if let Some(f) = forwarded_for {
                b = b.header("x-forwarded-for", f);
            }
            b
        };
        let form = self
            .send(
                Request::builder()
                    .uri("/login")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let csrf = cookie_value(&form, "relevo_login").expect("login csrf cookie");
        let body = format!(
            "name={}&password={}&csrf={csrf}",
            name,
            password.replace(' ', "+")
        );
        let r = self
            .send(
                with_peer(Request::builder())
                    .method("POST")
                    .uri("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("relevo_login={csrf}"))
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        match cookie_value(&r, "relevo_session") {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(r),
        }
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub fn cookie_value(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?;
            let (k, val) = first.split_once('=')?;
            (k == name).then(|| val.to_string())
        })
}

/// Serves `state` on a loopback port from its own runtime thread; returns the address.
pub fn listen(state: AppState) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
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
    rx.recv().unwrap()
}
