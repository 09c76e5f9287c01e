//! Webhook deliveries: the JSON payload of an event, its HMAC-SHA256 signature, and the bytes of
//! the HTTP/1.1 request that carries it, ready to write to a socket.
//!
//! ```text
//! X-Relevo-Signature: sha256=<hex>     hex = lower-case HMAC-SHA256(key = secret, message = body)
//! ```
//!
//! A receiver recomputes the HMAC over the raw body with the shared secret and compares in
//! constant time ([`verify`]); the body carries the event time and a delivery id, so a receiver
//! can refuse replays. Only `http://` URLs: relevo sends to a loopback or in-network receiver
//! (put a TLS-terminating proxy in front for anything else).
//!
//! Not here: sockets, retries or timeouts (the binary sends), or TLS.

use crate::machine::Event;
use crate::plan::TransitionPlan;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[cfg(test)]
mod tests;

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "X-Relevo-Signature";

/// An `http://host[:port]/path` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpUrl {
    pub host: String,
    pub port: u16,
    /// Starts with `/`; includes the query, if any.
    pub path: String,
}

impl HttpUrl {
    pub fn parse(url: &str) -> Result<HttpUrl, String> {
        let url = url.trim();
        let Some(rest) = url.strip_prefix("http://") else {
            return Err(if url.starts_with("https://") {
                format!(
                    "{url:?}: only http:// URLs are supported (no TLS); put a TLS-terminating proxy in front"
                )
            } else {
                format!("{url:?}: expected an http:// URL")
            });
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_owned()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_owned()),
        };
        if authority.contains('@') {
            return Err(format!("{url:?}: credentials in the URL are not supported"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6
                .find(']')
                .ok_or_else(|| format!("{url:?}: unclosed [ in the host"))?;
            let after = &v6[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| format!("{url:?}: bad port {p:?}"))?,
                None if after.is_empty() => 80,
                None => return Err(format!("{url:?}: bad host")),
            };
            (format!("[{}]", &v6[..end]), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (
                    h.to_owned(),
                    p.parse().map_err(|_| format!("{url:?}: bad port {p:?}"))?,
                ),
                None => (authority.to_owned(), 80),
            }
        };
        if host.is_empty() {
            return Err(format!("{url:?}: no host"));
        }
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{url:?}: spaces or control characters in the path"));
        }
        Ok(HttpUrl { host, port, path })
    }

    /// `host:port`, as a socket address string and the `Host` header.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

impl std::fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}:{}{}", self.host, self.port, self.path)
    }
}

/// `sha256=` and the lower-case hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in tag {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Whether `header` (`sha256=<hex>`) is the signature of `body` under `secret`, compared in
/// constant time.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    if hex.len() != 64 {
        return false;
    }
    let mut tag = [0u8; 32];
    for (i, byte) in tag.iter_mut().enumerate() {
        match u8::from_str_radix(&hex[2 * i..2 * i + 2], 16) {
            Ok(v) => *byte = v,
            Err(_) => return false,
        }
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The JSON body of one event's delivery: the transition, the event with its reason, phases and
/// shares, and the gate numbers. `event_id` is the store's id (the delivery id).
pub fn payload(transition_id: i64, event_id: i64, plan: &TransitionPlan, event: &Event) -> Vec<u8> {
    let phase = |k: usize| {
        serde_json::json!({
            "index": k,
            "name": plan.phase_name(k),
            "share": plan.share(k),
        })
    };
    let gate = event.gate.as_ref().map(|g| {
        serde_json::json!({
            "status": g.status,
            "window_from": rfc3339(g.window_from_ms),
            "window_to": rfc3339(g.window_to_ms),
            "checks": g.checks.iter().map(|c| serde_json::json!({
                "kpi": c.kpi.as_str(),
                "bound": if matches!(c.bound, crate::plan::Bound::AtLeast(_)) { "min" } else { "max" },
                "threshold": c.bound.threshold(),
                "value": c.value,
                "volume": c.volume,
                "min_volume": c.min_volume,
                "status": c.status,
            })).collect::<Vec<_>>(),
        })
    });
    let body = serde_json::json!({
        "delivery": format!("{transition_id}-{event_id}"),
        "transition": {
            "id": transition_id,
            "name": plan.name,
            "queue": plan.queue,
            "channels": plan.channels.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "from": plan.from,
            "to": plan.to,
        },
        "event": {
            "id": event_id,
            "kind": event.kind.as_str(),
            "at": rfc3339(event.at_ms),
            "actor": event.actor.to_string(),
            "reason": event.reason,
            "from_phase": phase(event.from_phase),
            "to_phase": phase(event.to_phase),
            "gate": gate,
        },
    });
    serde_json::to_vec(&body).expect("JSON values serialise")
}

/// The complete HTTP/1.1 POST request carrying `body`, signed with `secret`
/// (`Connection: close`, so the response ends with the connection).
pub fn request(url: &HttpUrl, secret: &str, event_kind: &str, body: &[u8]) -> Vec<u8> {
    let host = if url.port == 80 {
        url.host.clone()
    } else {
        url.authority()
    };
    let mut out = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: relevo\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nX-Relevo-Event: {event_kind}\r\n{SIGNATURE_HEADER}: {}\r\nConnection: close\r\n\r\n",
        url.path,
        body.len(),
        signature(secret.as_bytes(), body)
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}
