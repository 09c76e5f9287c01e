//! End to end in a real headless browser: a real listener, Debian's Chromium driven over the Chrome
//! DevTools protocol (a minimal WebSocket client below, so nothing is downloaded): log in, see the
//! overview, switch to Spanish, open a provider page, find the chart, save a screenshot; then every
//! page (login, overview, a provider, a queue, planning, the transitions and one transition in
//! progress) in English and Spanish at 1,366 and 390 px: no horizontal overflow, no English left on
//! a Spanish page (text a contract or a person wrote, marked `translate="no"`, is shown as written)
//! and no KPI id on any, the key elements on the screen, axe-core's serious and
//! critical rules, and a screenshot of each under `target/e2e/`.
//!
//! Runs when Chromium is installed, or fails when `RELEVO_BROWSER_TESTS=1` and it is not. axe-core
//! is read from `RELEVO_AXE` (default `target/npm/node_modules/axe-core/axe.min.js`, which `.ci/run`
//! installs with `npm install --no-save --prefix target/npm axe-core@4`); without it the audit is
//! skipped with a message, or fails when `RELEVO_BROWSER_TESTS=1`. With `RELEVO_E2E_DB=<file>` it
//! runs on a copy of that database (the demo's) in `RELEVO_E2E_TZ`, and `RELEVO_SCREENSHOT=<file>`
//! says where the first screenshot goes (default `target/e2e/dashboard.png`); `RELEVO_E2E_QUERY`
//! adds a period to the overview, provider and queue pages (`from=2026-10-19&to=2026-10-25`).

use crate::support::{PASSWORD, Server, TempDir};
use relevo_store::Role;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[allow(clippy::disallowed_methods)] // tests read their switches from the environment
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// A WebSocket client, just enough for the DevTools protocol (text frames, client masking).
struct Ws {
    stream: TcpStream,
    next_id: u64,
}

impl Ws {
    fn connect(url: &str) -> Ws {
        let rest = url.strip_prefix("ws://").expect("ws url");
        let (host, path) = rest.split_at(rest.find('/').unwrap());
        let mut stream = TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: cmVsZXZvLWUyZS10ZXN0IQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut b).unwrap();
            head.push(b[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        Ws { stream, next_id: 0 }
    }

    fn send_text(&mut self, text: &str) {
        let p = text.as_bytes();
        let mut frame = vec![0x81u8];
        match p.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65_536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x5a, 0x17, 0xc3, 0x8e];
        frame.extend_from_slice(&mask);
        frame.extend(p.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).unwrap();
    }

    fn read_message(&mut self) -> String {
        let mut msg = Vec::new();
        loop {
            let mut h = [0u8; 2];
            self.stream.read_exact(&mut h).unwrap();
            let (fin, opcode) = (h[0] & 0x80 != 0, h[0] & 0x0f);
            let mut len = u64::from(h[1] & 0x7f);
            if len == 126 {
                let mut l = [0u8; 2];
                self.stream.read_exact(&mut l).unwrap();
                len = u64::from(u16::from_be_bytes(l));
            } else if len == 127 {
                let mut l = [0u8; 8];
                self.stream.read_exact(&mut l).unwrap();
                len = u64::from_be_bytes(l);
            }
            let mut payload = vec![0u8; len as usize];
            self.stream.read_exact(&mut payload).unwrap();
            match opcode {
                0x8 => panic!("the browser closed the DevTools connection"),
                0x9 | 0xA => continue,
                _ => msg.extend_from_slice(&payload),
            }
            if fin {
                return String::from_utf8(msg).unwrap();
            }
        }
    }

    /// Sends a command (to a page session when given) and waits for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let v = self.call_raw(session, method, params);
        assert!(v.get("error").is_none(), "{method}: {v}");
        v["result"].clone()
    }

    /// Like `call`, but returns the whole answer, error included (a page navigating away may
    /// destroy the context an evaluation was sent to: that is "not yet", not a failure).
    fn call_raw(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut m = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            m["sessionId"] = s.into();
        }
        self.send_text(&m.to_string());
        loop {
            let v: Value = serde_json::from_str(&self.read_message()).unwrap();
            if v["id"] == id {
                return v;
            }
        }
    }
}

struct Browser {
    child: Child,
    ws: Ws,
    session: String,
    _profile: TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(exe: &Path, width: u32, height: u32) -> Browser {
        let profile = TempDir::new("chromium");
        let mut child = Command::new(exe)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.0.display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("chromium printed its DevTools address")
                .unwrap();
            if let Some(i) = line.find("ws://") {
                break line[i..].trim().to_string();
            }
        };
        // Keep draining stderr so Chromium never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let mut ws = Ws::connect(&url);
        let target = ws.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = ws.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        ws.call(Some(&session), "Page.enable", json!({}));
        ws.call(
            Some(&session),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
        Browser {
            child,
            ws,
            session,
            _profile: profile,
        }
    }

    fn eval(&mut self, expr: &str) -> Value {
        let r = self.ws.call(
            Some(&self.session.clone()),
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        r["result"]["value"].clone()
    }

    /// Waits until `expr` is true (pages load after navigations and form posts). An evaluation
    /// that fails because the page is navigating counts as not yet true.
    fn wait_for(&mut self, expr: &str) {
        for _ in 0..200 {
            let r = self.ws.call_raw(
                Some(&self.session.clone()),
                "Runtime.evaluate",
                json!({
                    "expression": format!("document.readyState === 'complete' && !!({expr})"),
                    "returnByValue": true,
                }),
            );
            if r["result"]["result"]["value"] == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let html = self.eval("document.documentElement.outerHTML");
        panic!("timed out waiting for {expr}; page: {html}");
    }

    fn goto(&mut self, url: &str) {
        let s = self.session.clone();
        self.ws.call(Some(&s), "Page.navigate", json!({"url": url}));
    }

    /// Navigates and waits until the new document has loaded (the old one is marked first, so its
    /// `complete` state does not count).
    fn open(&mut self, url: &str) {
        self.eval("window.__relevo_old = true; true");
        self.goto(url);
        self.wait_for("!window.__relevo_old && document.body");
    }

    /// Evaluates `expr` and fails on a thrown exception.
    fn eval_checked(&mut self, expr: &str) -> Value {
        let r = self.ws.call(
            Some(&self.session.clone()),
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{}: {}",
            &expr[..expr.len().min(80)],
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    fn log_in(&mut self, base: &str, user: &str) {
        self.open(&format!("{base}/login"));
        self.eval(&format!(
            "document.getElementById('name').value = '{user}'; \
             document.getElementById('password').value = '{PASSWORD}'; \
             document.querySelector('form.login').submit(); true"
        ));
        self.wait_for("location.pathname === '/overview' && document.querySelector('main')");
    }

    fn screenshot(&mut self, path: &Path) {
        let s = self.session.clone();
        let r = self.ws.call(
            Some(&s),
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let png = base64_decode(r["data"].as_str().unwrap());
        assert_eq!(&png[1..4], b"PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(val(*c)) << (18 - 6 * i);
        }
        let b = n.to_be_bytes();
        out.extend_from_slice(&b[1..chunk.len()]);
    }
    out
}

#[test]
fn log_in_switch_to_spanish_open_a_provider_and_find_the_chart() {
    let required = env("RELEVO_BROWSER_TESTS").as_deref() == Some("1");
    let Some(exe) = chromium() else {
        assert!(
            !required,
            "RELEVO_BROWSER_TESTS=1 but Chromium is not installed"
        );
        eprintln!("browser test skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let axe_path = env("RELEVO_AXE").map_or_else(
        || root.join("npm/node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    );
    let axe = match std::fs::read_to_string(&axe_path) {
        Ok(source) => Some(source),
        Err(e) => {
            assert!(
                !required,
                "RELEVO_BROWSER_TESTS=1 but axe-core is not at {} ({e}): npm install --no-save --prefix target/npm axe-core@4",
                axe_path.display()
            );
            eprintln!(
                "accessibility audit skipped: no axe-core at {} (npm install --no-save --prefix target/npm axe-core@4)",
                axe_path.display()
            );
            None
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (server, user) = match env("RELEVO_E2E_DB") {
        // A real database (the demo's), copied so the run leaves it untouched.
        Some(db) => {
            let s = Server::new("e2e");
            let copy = s._dir.0.join("demo.db");
            std::fs::copy(&db, &copy).unwrap();
            let store = relevo_store::open(&copy.display().to_string()).unwrap();
            let cost = s.state.config().password_cost;
            let _ = relevo_app::accounts::add_user(
                &*store,
                "test",
                &relevo_app::accounts::NewUser {
                    name: "maria",
                    password: PASSWORD,
                    role: Role::Admin,
                    provider: None,
                },
                cost,
                0,
            );
            drop(store);
            let mut config = s.state.config().clone();
            config.db = copy.display().to_string();
            config.time_zone = env("RELEVO_E2E_TZ").unwrap_or_else(|| "Europe/Madrid".into());
            let state = relevo_server::AppState::open(
                config,
                relevo_server::system_clock(),
                std::sync::Arc::new(|_: &str| {}),
            )
            .unwrap();
            (Server { state, ..s }, "maria")
        }
        None => {
            let s = rt.block_on(Server::seeded("e2e"));
            // Two more weeks of history, so the planning page forecasts, and a transition in
            // progress: a person started the pilot, then the guardrail held it.
            rt.block_on(crate::pages::push_history(&s));
            transition_in_progress(&s);
            (s, "ana")
        }
    };
    let base = format!("http://{}", crate::support::listen(server.state.clone()));
    let shot =
        env("RELEVO_SCREENSHOT").map_or_else(|| root.join("e2e/dashboard.png"), PathBuf::from);

    let mut b = Browser::launch(&exe, 1366, 900);
    let period = env("RELEVO_E2E_QUERY").map_or_else(String::new, |q| format!("?{q}"));
    b.goto(&format!("{base}/overview{period}"));
    b.wait_for("document.querySelector('form.login')");
    b.eval(&format!(
        "document.getElementById('name').value = '{user}'; \
         document.getElementById('password').value = '{PASSWORD}'; \
         document.querySelector('form.login').submit(); true"
    ));
    b.wait_for("location.pathname === '/overview' && document.querySelector('#providers')");
    if !period.is_empty() {
        b.goto(&format!("{base}/overview{period}"));
        b.wait_for("location.search.includes('from=') && document.querySelector('#providers')");
    }
    assert_eq!(b.eval("document.documentElement.lang"), json!("en"));
    assert_eq!(
        b.eval("document.querySelector('h1').textContent.startsWith('Overview')"),
        json!(true)
    );
    let providers = b.eval("document.querySelectorAll('#providers tbody tr').length");
    assert!(providers.as_u64().unwrap() >= 2, "{providers}");

    // The switch, with the keyboard's path: it is a link in the navigation.
    b.eval("document.getElementById('lang-switch').click(); true");
    b.wait_for("document.documentElement.lang === 'es'");
    assert_eq!(
        b.eval("document.querySelector('h1').textContent.startsWith('Resumen')"),
        json!(true)
    );

    // The provider that missed most targets.
    b.eval(
        "[...document.querySelectorAll('#providers tbody tr')] \
         .sort((x, y) => y.querySelectorAll('td.miss').length - x.querySelectorAll('td.miss').length)[0] \
         .querySelector('th a').click(); true",
    );
    b.wait_for(
        "location.pathname.startsWith('/providers/') && document.querySelector('#sl-chart')",
    );
    assert_eq!(
        b.eval("document.documentElement.lang"),
        json!("es"),
        "the language is remembered"
    );
    let bars = b.eval("document.querySelectorAll('#sl-chart rect').length");
    assert!(bars.as_u64().unwrap() > 0, "{bars}");
    assert_eq!(
        b.eval("document.querySelector('#sl-chart').getBoundingClientRect().width > 600"),
        json!(true)
    );
    assert_eq!(b.eval("!!document.querySelector('#sl-chart .target') && !!document.querySelector('#sl-chart .sl-line')"), json!(true));
    b.screenshot(&shot);
    eprintln!("screenshot: {}", shot.display());

    // Every page, in both languages, on a screen and on a phone.
    let provider = b
        .eval("location.pathname.split('/')[2]")
        .as_str()
        .unwrap()
        .to_string();
    b.open(&format!("{base}/overview{period}"));
    let queue = b.eval("(document.querySelector('ul.queues a') || {}).pathname || ''");
    let queue = queue
        .as_str()
        .unwrap()
        .trim_start_matches("/queues/")
        .to_string();
    assert!(!queue.is_empty(), "the overview lists queues");
    b.open(&format!("{base}/transitions"));
    let transition =
        b.eval("(document.querySelector('#transitions tbody a') || {}).pathname || ''");
    let transition = transition.as_str().unwrap().to_string();
    let with_period = |path: &str| {
        if period.is_empty() {
            path.to_string()
        } else {
            format!("{path}{period}")
        }
    };
    let mut pages = vec![
        ("login", "/login".to_string()),
        ("overview", with_period("/overview")),
        ("provider", with_period(&format!("/providers/{provider}"))),
        ("queue", with_period(&format!("/queues/{queue}"))),
        ("planning", "/planning".to_string()),
        ("transitions", "/transitions".to_string()),
    ];
    if transition.is_empty() {
        assert!(
            env("RELEVO_E2E_DB").is_some(),
            "the test's own data have a transition in progress"
        );
        eprintln!("no transition in this database: the transition page is not checked");
    } else {
        pages.push(("transition", transition.clone()));
    }
    let english = english_words();
    let kpi_ids: Vec<&str> = relevo_core::Kpi::ALL.iter().map(|k| k.as_str()).collect();
    let mut failures: Vec<String> = Vec::new();
    let mut audited = 0;
    let mut phone = Browser::launch(&exe, 390, 844);
    phone.log_in(&base, user);
    for (width, br) in [(1366u32, &mut b), (390, &mut phone)] {
        for lang in ["en", "es"] {
            for (name, path) in &pages {
                let sep = if path.contains('?') { '&' } else { '?' };
                br.open(&format!("{base}{path}{sep}lang={lang}"));
                let at = format!("{name} at {width} px in {lang}");
                if br.eval("document.documentElement.lang") != json!(lang) {
                    failures.push(format!("{at}: the page is not in {lang}"));
                }
                br.screenshot(&root.join(format!("e2e/{name}-{width}-{lang}.png")));
                if width == 390
                    && lang == "en"
                    && *name == "overview"
                    && let Some(p) = env("RELEVO_PHONE_SCREENSHOT")
                {
                    br.screenshot(Path::new(&p));
                }
                // Everything folded is opened: the checks see the whole page.
                br.eval("document.querySelectorAll('details').forEach(d => d.open = true); true");
                let overflow = br.eval("[document.documentElement.scrollWidth, window.innerWidth]");
                if overflow[0].as_u64() > overflow[1].as_u64() {
                    failures.push(format!(
                        "{at}: {} px wide on a {} px screen",
                        overflow[0], overflow[1]
                    ));
                }
                for sel in expected(name, width < 600, transition.is_empty()) {
                    let problem = br.eval(&format!(
                        "(() => {{ const e = document.querySelector({sel:?}); if (!e) return 'missing'; \
                         const r = e.getBoundingClientRect(); if (r.width <= 0 || r.height <= 0) return 'not shown'; \
                         if (r.left < -0.5 || r.right > window.innerWidth + 0.5) return 'off the screen: ' + r.left + '..' + r.right; \
                         return ''; }})()"
                    ));
                    if problem != json!("") {
                        failures.push(format!("{at}: {sel}: {problem}"));
                    }
                }
                let mut words: Vec<&str> = kpi_ids.clone();
                if lang == "es" {
                    words.extend(english.iter().map(String::as_str));
                }
                // A control: the finder must find the brand in the header, whole word only.
                words.push("relevo");
                words.push("relev");
                let found = br.eval(&format!(
                    "(words => {{ \
                     const own = [...document.querySelectorAll('[translate=no]')]; \
                     own.forEach(e => e.style.display = 'none'); \
                     const body = document.body.innerText; \
                     own.forEach(e => e.style.display = ''); \
                     const t = [document.title, body, \
                       ...[...document.querySelectorAll('option, svg title, svg desc')].map(e => e.textContent), \
                       ...[...document.querySelectorAll('[aria-label], [placeholder], [data-label]')] \
                         .flatMap(e => ['aria-label', 'placeholder', 'data-label'].map(a => e.getAttribute(a))) \
                         .filter(Boolean)].join('\\n'); \
                     const esc = s => s.replace(/[.*+?^${{}}()|[\\]\\\\]/g, '\\\\$&'); \
                     const out = []; for (const w of words) {{ \
                       const m = new RegExp('(^|[^\\\\p{{L}}\\\\p{{N}}_])' + esc(w) + '($|[^\\\\p{{L}}\\\\p{{N}}_])', 'u').exec(t); \
                       if (m) out.push([w, t.slice(Math.max(0, m.index - 30), m.index + w.length + 32).replace(/\\s+/g, ' ')]); }} \
                     return out; }})({})",
                    serde_json::to_string(&words).unwrap()
                ));
                let found: Vec<(String, String)> = serde_json::from_value(found).unwrap();
                let words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
                assert!(
                    words.contains(&"relevo") && !words.contains(&"relev"),
                    "{at}: the text finder does not work: {found:?}"
                );
                for (word, context) in found.iter().filter(|(w, _)| w != "relevo") {
                    failures.push(format!("{at}: {word:?} on the page: …{context}…"));
                }
                if let Some(source) = &axe {
                    br.eval_checked(&format!("{source};true"));
                    let v = br.eval_checked(
                        "axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations \
                         .filter(v => v.impact === 'serious' || v.impact === 'critical') \
                         .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + \
                              v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))}))",
                    );
                    assert!(
                        v["passes"].as_u64().unwrap_or(0) > 10,
                        "{at}: axe did not run: {v}"
                    );
                    audited += 1;
                    for line in v["violations"].as_array().cloned().unwrap_or_default() {
                        failures.push(format!("{at}: axe {}", line.as_str().unwrap_or("")));
                    }
                }
            }
        }
    }
    eprintln!(
        "checked {} pages × 2 widths × 2 languages; axe audits: {audited}; screenshots in {}",
        pages.len(),
        root.join("e2e").display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The elements each page must show on the screen (`phone`: the narrow charts).
fn expected(page: &str, phone: bool, no_transition: bool) -> Vec<&'static str> {
    match page {
        "login" => vec!["form.login", "#name", "#password"],
        "overview" => vec![
            "#providers tbody th a",
            "#providers td[data-kpi=service_level]",
            "#providers td[data-kpi=asa_s]",
            "#providers td[data-kpi=aht_s]",
            "#providers td[data-kpi=csat_top2]",
            "#providers td[data-kpi=nps]",
            "#providers td.trend svg",
            "#channel",
        ],
        "provider" => vec![
            if phone {
                "#sl-chart-narrow"
            } else {
                "#sl-chart"
            },
            "#by-queue-channel table td[data-kpi=service_level]",
            "#by-queue-channel table td[data-kpi=nps]",
        ],
        "queue" => vec![
            "#queue-providers td[data-kpi=service_level]",
            "#queue-providers td[data-kpi=aht_s]",
            "#queue-providers td[data-kpi=nps]",
        ],
        "planning" => vec![
            if phone {
                "#forecast-chart-narrow"
            } else {
                "#forecast-chart"
            },
            "#forecast-days td",
            "#plan-queue",
            "input[name=arrivals]",
        ],
        "transitions" if no_transition => vec!["main h1"],
        "transitions" => vec!["#transitions tbody th a"],
        "transition" => vec![
            if phone {
                "#timeline-chart-narrow"
            } else {
                "#timeline-chart"
            },
            "#tr-status",
            "#phases tr[aria-current=step]",
            "#guardrails td",
            "#events td",
        ],
        _ => vec!["main"],
    }
}

/// What an English page says that a Spanish one must not: every English text of the dashboard's
/// table whose Spanish differs, every KPI's English display name that differs from its Spanish
/// one, and — whatever the table holds — the channels' keys (but `chat`, the same word in Spanish),
/// the transition states and the event kinds as the store writes them.
fn english_words() -> Vec<String> {
    let mut out: Vec<String> = relevo_server::dashboard::i18n::TEXTS
        .iter()
        .filter(|(_, en, es)| en != es)
        .map(|(_, en, _)| en.to_string())
        .collect();
    for c in relevo_core::Channel::ALL {
        if *c != relevo_core::Channel::Chat {
            out.push(c.as_str().to_string());
        }
    }
    for word in [
        "running",
        "held",
        "held by",
        "rolled back",
        "completed",
        "baseline",
        "guardrail",
        "advanced",
        "rolled_back",
        "resumed",
        "gate_failed",
        "gate_recovered",
        "insufficient",
        "pass",
        "fail",
    ] {
        out.push(word.to_string());
    }
    for k in relevo_core::Kpi::ALL {
        let (en, es) = (
            k.display_name(relevo_core::Lang::En),
            k.display_name(relevo_core::Lang::Es),
        );
        if en != es {
            out.push(en.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// billing/voice from acme to zenith: a person started the pilot yesterday, and today's evaluation
/// found zenith's service level under the guardrail and held it.
fn transition_in_progress(s: &Server) {
    use crate::support::NOW_MS;
    let id = crate::transitions::add_transition(s);
    let mut store = relevo_store::open(&s.state.config().db).unwrap();
    relevo_app::transitions::operate(
        &mut *store,
        id,
        relevo_app::transitions::Op::Advance,
        "user:ana",
        "pilot agreed with the team",
        NOW_MS - 86_400_000,
        &|| NOW_MS,
    )
    .unwrap();
    drop(store);
    relevo_server::routing::invalidate(&s.state);
    relevo_server::transitions_api::evaluate_due(&s.state, NOW_MS).unwrap();
}
