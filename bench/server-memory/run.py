#!/usr/bin/env python3
"""Peak memory of `relevo serve` under a provider's worst single request and under the largest
report, for two builds side by side (docs/BENCHMARKS.md, "Server memory under one request").

    python3 bench/server-memory/run.py BEFORE_BINARY AFTER_BINARY

For each binary: a pinned demo database (90 days to 2026-10-31), a provider token and an admin
token, then each scenario on a fresh `relevo serve` (so its peak is its own), limited to 8 GiB of
address space so that a runaway request aborts the server instead of the machine. The peak is the
kernel's high-water mark of the server's resident memory (VmHWM) after the scenario's requests.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

LIMIT_BYTES = 8 << 30
YEAR = "from=2025-11-01&to=2026-10-31&by=interval"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(binary, *args, db=None):
    cmd = [binary] + (["--db", db] if db else []) + list(args)
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def token(binary, db, *args):
    return run(binary, "token", "create", *args, db=db).strip().splitlines()[-1]


def request(base, method, path, secret, body=None):
    req = urllib.request.Request(base + path, method=method, data=body)
    req.add_header("Authorization", f"Bearer {secret}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            n = 0
            while chunk := r.read(1 << 20):
                n += len(chunk)
            return r.status, n
    except urllib.error.HTTPError as e:
        return e.code, len(e.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        return f"no answer ({type(e).__name__})", 0


def hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def scenario(binary, db, steps):
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))

    server = subprocess.Popen(
        [binary, "--db", db, "serve", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            break
        except Exception:
            time.sleep(0.1)
    answers = []
    peak = [0]
    done = threading.Event()

    def sample():
        # The high-water mark, read every 20 ms: a server that dies keeps its last reading.
        while not done.is_set():
            peak[0] = max(peak[0], hwm_kib(server.pid) or 0)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    for method, path, secret, body in steps:
        started = time.monotonic()
        status, size = request(base, method, path, secret, body)
        answers.append((method, path.split("?")[0], status, size, time.monotonic() - started))
    done.set()
    sampler.join()
    peak = peak[0] or None
    alive = server.poll() is None
    server.terminate()
    _, err = server.communicate(timeout=30)
    lines = err.decode(errors="replace").splitlines()
    why = [l for l in lines if "panicked" in l or "memory allocation" in l or "error" in l.lower()]
    tail = (why or lines)[-1:] if not alive else []
    return {"answers": answers, "peak_mib": peak / 1024 if peak else None, "alive": alive, "stderr": tail}


def measure(binary):
    work = tempfile.mkdtemp(prefix="relevo-mem-")
    subprocess.run(
        [binary, "demo", "--end", "2026-10-31", "--no-serve", "--dir", work],
        check=True,
        capture_output=True,
        cwd=work,
    )
    db = os.path.join(work, "relevo.db")
    provider = token(binary, db, "--role", "provider", "--provider", "sur-contact", "--name", "bench")
    admin = token(binary, db, "--role", "admin", "--name", "bench-admin")
    record = {
        "contact_id": "m1",
        "provider": "sur-contact",
        "queue": "q" * (1 << 20),
        "channel": "voice",
        "arrived_at": "2026-10-01T09:00:00Z",
        "answered_at": "2026-10-01T09:00:10Z",
    }
    worst_provider = [
        ("POST", "/api/v1/contacts", provider, json.dumps([record]).encode()),
        ("GET", f"/api/v1/kpis?{YEAR}&group=queue", provider, None),
    ]
    every_group = "group=provider,queue,channel"
    largest = [("GET", f"/api/v1/kpis?{YEAR}&{every_group}", admin, None)]
    by_hour = [("GET", f"/api/v1/kpis?{YEAR.replace('interval', 'hour')}&{every_group}", admin, None)]
    half = "from=2026-05-01&to=2026-10-31&by=hour"
    half_year = [("GET", f"/api/v1/kpis?{half}&{every_group}", admin, None)]
    near = "from=2025-12-05&to=2026-10-31&by=hour"
    at_limit = [("GET", f"/api/v1/kpis?{near}&{every_group}", admin, None)]
    # In this order: the provider's request leaves its record behind.
    return {
        "idle": scenario(binary, db, [("GET", "/api/v1/me", admin, None)]),
        "a year by 15 minutes, every group": scenario(binary, db, largest),
        "a year by hour, every group": scenario(binary, db, by_hour),
        "half a year by hour, every group (within the limit)": scenario(binary, db, half_year),
        "331 days by hour, every group (just under the limit)": scenario(binary, db, at_limit),
        "provider's worst request": scenario(binary, db, worst_provider),
    }


def main():
    binaries = [os.path.abspath(b) for b in sys.argv[1:3]]
    results = {name: measure(b) for name, b in zip(["before", "after"], binaries)}
    print(json.dumps(results, indent=1))
    print()
    print("| scenario | build | answers (status, bytes, s) | peak RSS | server alive |")
    print("| --- | --- | --- | --- | --- |")
    for name in results["after"]:
        for build, r in results.items():
            s = r[name]
            answers = "; ".join(f"{m} {p}: {st}, {n:,} B, {t:.1f} s" for m, p, st, n, t in s["answers"])
            peak = f"{s['peak_mib']:.0f} MiB" if s["peak_mib"] else "–"
            print(f"| {name} | {build} | {answers} | {peak} | {'yes' if s['alive'] else 'no: ' + ' '.join(s['stderr'])} |")


if __name__ == "__main__":
    main()
