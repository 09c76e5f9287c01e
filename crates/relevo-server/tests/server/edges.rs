//! The server's edges on a real socket: clients that are slow, idle or too many are let go or
//! kept waiting, never allowed to hold the server; a request that runs too long is answered 503.

use crate::support::Server;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Serves `s`'s database with `edit`ed settings on a loopback port.
fn listen(s: Server, edit: impl FnOnce(&mut relevo_server::Config)) -> (SocketAddr, Server) {
    let s = s.reconfigured(crate::support::NOW_MS, edit);
    (crate::support::listen(s.state.clone()), s)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c
}

/// True once the server has closed `c` (a read sees the end, or the connection is reset).
fn closed(c: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a response (e.g. 408) before the close
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn a_client_sending_its_headers_a_byte_at_a_time_is_let_go() {
    let s = Server::new("slowloris");
    let (addr, _s) = listen(s, |c| c.header_read_timeout = Duration::from_millis(300));
    let mut c = connect(addr);
    let request =
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut refused = false;
    for b in request {
        if c.write_all(&[*b]).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Six seconds of trickling is far past the 0.3 s the headers may take.
    assert!(refused || closed(&mut c), "the connection is still open");
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let s = Server::new("idle");
    let (addr, _s) = listen(s, |c| c.header_read_timeout = Duration::from_millis(300));
    let mut c = connect(addr);
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = c.read(&mut buf).unwrap();
    assert!(
        buf[..n].starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    // Nothing more is sent: the server closes the kept-alive connection.
    assert!(closed(&mut c));
}

#[test]
fn clients_past_the_connection_limit_wait_until_one_leaves() {
    let s = Server::new("limit");
    let (addr, _s) = listen(s, |c| {
        c.max_connections = 1;
        c.header_read_timeout = Duration::from_secs(30);
    });
    let mut first = connect(addr);
    first
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(first.read(&mut buf).unwrap() > 0, "the first is served");
    // The first stays connected: the second is not served meanwhile.
    let mut second = connect(addr);
    second
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    second
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let waited = second.read(&mut buf);
    assert!(
        matches!(&waited, Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut),
        "{waited:?}"
    );
    drop(first);
    second
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = String::new();
    second.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_request_whose_body_never_ends_is_answered_503() {
    let s = Server::new("slow-body");
    let (addr, s) = listen(s, |c| c.request_timeout = Duration::from_millis(300));
    let mut c = connect(addr);
    let head = format!(
        "POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[",
        s.admin
    );
    c.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("took longer than"), "{answer}");
}
