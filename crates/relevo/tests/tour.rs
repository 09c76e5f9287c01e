//! The README's tour, run as written: every command of the code blocks README.md marks with a
//! `<!-- tour` comment, in order, with the built binary standing for `relevo` and for
//! `cargo run --release -p relevo --` (the README's `cargo install --path crates/relevo --locked`
//! is what puts that binary on PATH; `cargo test --workspace` is this run), in a temporary
//! folder that holds `examples/` and `test_data/` as the repository root does.
//!
//! Every command must exit 0. Commands that keep running (`relevo serve`, and `relevo demo` unless
//! `--no-serve`) are started on a free port instead of theirs, checked to answer `/healthz`, and
//! stopped. The README's demo-output block must be what the pinned demo prints (scripts/readme.sh
//! writes it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shell words of a command line: blanks separate words, quotes group them (no expansions).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line:?}");
    out.extend(word);
    out
}

/// A line without its comment: from a `#` at the start or after a blank, outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(ch),
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = ch;
    }
    line
}

/// The commands of the README's tour blocks, in order (continuation lines joined, comments
/// dropped, `a && b` as two commands).
fn tour_commands(readme: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("<!-- tour") {
            continue;
        }
        let fence = lines.next().unwrap_or_default();
        assert_eq!(fence, "```sh", "a tour marker is followed by a ```sh block");
        let mut pending = String::new();
        for line in lines.by_ref() {
            if line == "```" {
                break;
            }
            let line = strip_comment(line).trim_end();
            if let Some(head) = line.strip_suffix('\\') {
                pending.push_str(head);
                pending.push(' ');
                continue;
            }
            pending.push_str(line);
            let full = std::mem::take(&mut pending);
            for part in full.split("&&") {
                let w = words(part);
                if !w.is_empty() {
                    commands.push(w);
                }
            }
        }
        assert!(pending.is_empty(), "a tour block ends in a continuation");
    }
    commands
}

/// The README's demo-output block (between its ```text fence and the closing one).
fn readme_demo_block(readme: &str) -> String {
    let start = readme
        .find("<!-- demo-output")
        .expect("README.md has a demo-output block");
    let rest = &readme[start..];
    let open = rest
        .find("```text\n")
        .expect("the block opens with ```text")
        + "```text\n".len();
    let close = rest[open..].find("\n```").expect("the block closes") + open;
    rest[open..close].to_string()
}

/// What the demo prints from its report's title to the line before "Try next:", without trailing
/// blank lines (the rule scripts/readme.sh follows).
fn demo_summary(stdout: &str) -> String {
    let mut lines: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Voice, weekly"))
        .take_while(|l| *l != "Try next:")
        .collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines.join("\n")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether `GET /healthz` on the address answers 200.
fn healthy(addr: &str) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// Whether a command keeps running (a server) rather than finishing.
fn keeps_running(args: &[String]) -> bool {
    match args.first().map(String::as_str) {
        Some("serve") => true,
        Some("demo") => !args.iter().any(|a| a == "--no-serve" || a == "--no-report"),
        _ => false,
    }
}

/// Starts a server command on `addr` instead of its own address, waits until it answers, stops it,
/// and returns what it printed.
fn run_server(dir: &Path, env: &[(String, String)], args: &[String], addr: &str) -> String {
    let mut args = args.to_vec();
    match args.iter().position(|a| a == "--listen") {
        Some(i) => args[i + 1] = addr.to_string(),
        None => args.extend(["--listen".to_string(), addr.to_string()]),
    }
    let out_path = dir.join(format!("server-{}.out", args[0]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_relevo"))
        .args(&args)
        .current_dir(dir)
        .env_remove("RELEVO_DB")
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(out_path.with_extension("err")).unwrap())
        .spawn()
        .unwrap();
    #[allow(clippy::disallowed_methods)] // a test's timeout, not the code under test's clock
    let started = Instant::now();
    let mut answered = false;
    while started.elapsed() < Duration::from_secs(300) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "relevo {} stopped before answering ({status}):\n{}\n{}",
                args.join(" "),
                std::fs::read_to_string(&out_path).unwrap_or_default(),
                std::fs::read_to_string(out_path.with_extension("err")).unwrap_or_default()
            );
        }
        if healthy(addr) {
            answered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        answered,
        "relevo {} never answered on {addr}",
        args.join(" ")
    );
    std::fs::read_to_string(&out_path).unwrap()
}

/// Runs relevo with `args` as the tour's line `line` does (a server is started, checked and
/// stopped), and returns what it printed.
fn run(dir: &Path, env: &[(String, String)], args: &[String], line: &str) -> String {
    if keeps_running(args) {
        let addr = format!("127.0.0.1:{}", free_port());
        return run_server(dir, env, args, &addr);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_relevo"))
        .args(args)
        .current_dir(dir)
        .env_remove("RELEVO_DB")
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{line} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[cfg(unix)]
#[test]
fn the_readme_tour_runs_as_written() {
    #[allow(clippy::disallowed_methods)] // the test reports how long the tour took
    let started = Instant::now();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let commands = tour_commands(&readme);
    assert!(
        commands.len() >= 25,
        "the tour has {} commands: are its blocks still marked?",
        commands.len()
    );
    let dir = std::env::temp_dir().join(format!("relevo-tour-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for folder in ["examples", "test_data"] {
        std::os::unix::fs::symlink(
            repo().join(folder).canonicalize().unwrap(),
            dir.join(folder),
        )
        .unwrap();
    }
    // Nothing from the environment running the test decides where data go (RELEVO_DB is removed
    // from each command's environment until the tour exports it).
    let home = dir.join("home");
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), home.display().to_string()),
        (
            "XDG_DATA_HOME".into(),
            home.join("data").display().to_string(),
        ),
        ("RELEVO_TZ".into(), "UTC".into()),
        ("USER".into(), "tour".into()),
    ];
    let mut outputs: Vec<(String, String)> = Vec::new();
    for args in &commands {
        let line = args.join(" ");
        match args[0].as_str() {
            // `cargo run … -- ARGS` is the binary under test with ARGS.
            "cargo" if line.starts_with("cargo run --release -p relevo -- ") => {
                let out = run(&dir, &env, &args[6..], &line);
                outputs.push((format!("relevo {}", args[6..].join(" ")), out));
            }
            // The test command is this run; the install step puts the binary under test on PATH.
            "cargo" if line == "cargo test --workspace" => {}
            "cargo" => assert_eq!(
                line, "cargo install --path crates/relevo --locked",
                "the tour's cargo commands are the demo, the tests and the install step"
            ),
            "export" => {
                let (k, v) = args[1].split_once('=').expect("export NAME=VALUE");
                env.retain(|(name, _)| name != k);
                env.push((k.to_string(), v.to_string()));
            }
            "relevo" => {
                let out = run(&dir, &env, &args[1..], &line);
                outputs.push((line, out));
            }
            other => panic!("the tour runs relevo commands only, not {other:?}: {line}"),
        }
    }
    let output = |prefix: &str| -> &str {
        &outputs
            .iter()
            .find(|(line, _)| line.starts_with(prefix))
            .unwrap_or_else(|| panic!("the tour has no {prefix:?} command"))
            .1
    };

    // The README shows what the pinned demo prints.
    assert_eq!(
        readme_demo_block(&readme),
        demo_summary(output("relevo demo")),
        "README.md's demo-output block is not what the demo prints: run scripts/readme.sh"
    );
    // The files the tour names ship in examples/ and do what the comments say.
    assert!(
        output("relevo import examples/data/export.csv")
            .contains("3 rejected rows written to rejects.csv"),
        "{}",
        output("relevo import examples/data/export.csv")
    );
    assert!(dir.join("rejects.csv").exists());
    assert!(
        output("relevo import examples/data/connect-ctr.jsonl")
            .contains("1 replaced by a newer version"),
        "{}",
        output("relevo import examples/data/connect-ctr.jsonl")
    );
    assert!(output("relevo contract add").contains("stored already with this very text"));
    assert!(
        output("relevo invoice")
            .contains("reconciliation with examples/data/their-invoice.csv: 3 differences"),
        "{}",
        output("relevo invoice")
    );
    // The demo left its transition past its first phase, with the guardrails' history.
    let status = output("relevo transition status 1");
    let phase: u32 = status
        .split("now: phase ")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no phase in:\n{status}"));
    assert!(phase >= 2, "{status}");
    for want in [
        "guardrails on sur-contact",
        "gate_failed by guardrail",
        "advanced by guardrail",
    ] {
        assert!(status.contains(want), "{want:?} not in:\n{status}");
    }
    assert!(output("relevo transition create").starts_with("created transition 2:"));
    eprintln!(
        "the tour's {} commands ran in {:.1} s",
        commands.len(),
        started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tour_lines_read_as_a_shell_reads_them() {
    let readme = "text\n<!-- tour -->\n```sh\nexport A=b   # set\nrelevo x --name \"a # b\" \\\n    --y 1 # why\n\nrelevo p && relevo q 'r s'\n```\n```sh\nrelevo not-marked\n```\n";
    assert_eq!(
        tour_commands(readme),
        [
            vec!["export", "A=b"],
            vec!["relevo", "x", "--name", "a # b", "--y", "1"],
            vec!["relevo", "p"],
            vec!["relevo", "q", "r s"],
        ]
    );
    assert!(keeps_running(&words("demo --until 2026-10-31")));
    assert!(!keeps_running(&words("demo --until 2026-10-31 --no-serve")));
    assert!(keeps_running(&words("serve --listen 127.0.0.1:8080")));
}
