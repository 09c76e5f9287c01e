//! Signatures against a published HMAC-SHA256 vector, verification, URLs and request bytes.

use super::*;

#[test]
fn signature_matches_rfc_4231_test_case_2() {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    assert_eq!(
        signature(b"Jefe", b"what do ya want for nothing?"),
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn verify_accepts_only_the_right_secret_and_body() {
    let sig = signature(b"s3cret", b"{\"a\":1}");
    assert!(verify(b"s3cret", b"{\"a\":1}", &sig));
    assert!(!verify(b"other", b"{\"a\":1}", &sig));
    assert!(!verify(b"s3cret", b"{\"a\":2}", &sig));
    assert!(!verify(b"s3cret", b"{\"a\":1}", &sig[7..]));
    assert!(!verify(b"s3cret", b"{\"a\":1}", "sha256=zz"));
}

#[test]
fn urls() {
    let u = HttpUrl::parse("http://127.0.0.1:8080/hooks/relevo?x=1").unwrap();
    assert_eq!(
        (u.host.as_str(), u.port, u.path.as_str()),
        ("127.0.0.1", 8080, "/hooks/relevo?x=1")
    );
    let u = HttpUrl::parse("http://hooks.internal").unwrap();
    assert_eq!((u.port, u.path.as_str()), (80, "/"));
    let u = HttpUrl::parse("http://[::1]:9000/h").unwrap();
    assert_eq!(
        (u.host.as_str(), u.authority()),
        ("[::1]", "[::1]:9000".to_owned())
    );
    assert!(HttpUrl::parse("ftp://x/").is_err());
    assert!(HttpUrl::parse("http://:80/").is_err());
    assert!(HttpUrl::parse("http://h:99999/").is_err());
}

#[test]
fn request_bytes_carry_the_signed_body() {
    let url = HttpUrl::parse("http://127.0.0.1:9000/hook").unwrap();
    let body = br#"{"x":1}"#;
    let req = String::from_utf8(request(&url, "k", "held", body)).unwrap();
    let (head, got_body) = req.split_once("\r\n\r\n").unwrap();
    assert_eq!(got_body.as_bytes(), body);
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("POST /hook HTTP/1.1"));
    let headers: Vec<&str> = lines.collect();
    assert!(headers.contains(&"Host: 127.0.0.1:9000"));
    assert!(headers.contains(&"Content-Length: 7"));
    assert!(headers.contains(&"X-Relevo-Event: held"));
    let sig = headers
        .iter()
        .find_map(|h| h.strip_prefix("X-Relevo-Signature: "))
        .unwrap();
    assert!(verify(b"k", body, sig));
}
