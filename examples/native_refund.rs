//! A PayerMax refund from a native program, end to end: `cargo run --example native_refund`.
//!
//! The library does no I/O on native targets. `Client::build_refund` hands over the signed request
//! and `Client::parse_refund_response` takes the raw answer and verifies its signature; the HTTP
//! client in between is the caller's (reqwest, ureq, hyper). Here it is a few lines of HTTP/1.1
//! over `std::net`, and the gateway is played on the loopback interface: it checks the merchant's
//! signature the way PayerMax does and answers with a signed refund response.
//!
//! The keys are the repository's test keys; never use them for anything else.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use refundkit::{
    Client, ClientConfig, HashAlg, Host, PayerMaxConfig, PrivateKey, PublicKey, RawResponse,
    RefundInput, SignedRequest, Signer, Verifier,
};
use std::error::Error;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

const MERCHANT_KEY: &str = include_str!("../tests/fixtures/merchant_test_key.pem");
const MERCHANT_PUBLIC_KEY: &str = include_str!("../tests/fixtures/merchant_test_key.pub.pem");
const GATEWAY_KEY: &str = include_str!("../tests/fixtures/gateway_test_key.pem");
const GATEWAY_PUBLIC_KEY: &str = include_str!("../tests/fixtures/gateway_test_key.pub.pem");

type Outcome<T> = Result<T, Box<dyn Error + Send + Sync>>;

fn main() -> Outcome<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let gateway = thread::spawn(move || play_payermax(&listener));

    let config = ClientConfig::new(
        // refundkit::Environment::Sandbox in place of the loopback URL reaches PayerMax itself.
        PayerMaxConfig::new(Host::base_url(base_url), "app-1", "merchant-1"),
        MERCHANT_KEY,
        GATEWAY_PUBLIC_KEY,
    );
    let client = Client::new(config)?;
    let input = RefundInput::builder("R20240117001", "10.50", "USD")
        .original_order_id("P20240117001")
        .reason("damaged in transit")
        .build()?;
    let request = client.build_refund(&input, now_ms())?;
    let answer = send(&request)?;
    let result = client.parse_refund_response(&answer)?;
    gateway.join().expect("the loopback gateway thread")?;

    println!(
        "refund {} is {:?} (PayerMax says {}), gateway refund id {}, signature verified: {}",
        result.refund_id.as_deref().unwrap_or("?"),
        result.status,
        result.gateway_status,
        result.gateway_refund_id.as_deref().unwrap_or("?"),
        result.verified,
    );
    assert!(result.verified);
    Ok(())
}

fn now_ms() -> u64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as u64
}

/// The request exactly as signed, over one HTTP/1.1 connection; the answer as raw bytes, for the
/// library to verify.
fn send(request: &SignedRequest) -> Outcome<RawResponse> {
    let rest = request
        .url
        .strip_prefix("http://")
        .ok_or("this client speaks plain http only")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {authority}\r\n",
        request.method
    );
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body.len()
    ));
    let mut stream = TcpStream::connect(authority)?;
    stream.write_all(head.as_bytes())?;
    stream.write_all(request.body.as_bytes())?;
    stream.shutdown(Shutdown::Write)?;
    let answer = read_message(&mut stream)?;
    let status = answer
        .start_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok());
    Ok(RawResponse::new(status, answer.headers, answer.body))
}

/// An HTTP/1.1 message as it arrived.
struct Message {
    start_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A whole HTTP/1.1 message, read until the peer closes its side.
fn read_message(stream: &mut TcpStream) -> Outcome<Message> {
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = std::str::from_utf8(&bytes[..end])?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    Ok(Message {
        start_line,
        headers,
        body: bytes[end + 4..].to_vec(),
    })
}

/// PayerMax on the loopback, for one request: it refuses a request whose `sign` header does not
/// verify with the merchant's public key, and answers with a refund response signed by its own key
/// in the `sign` header.
fn play_payermax(listener: &TcpListener) -> Outcome<()> {
    let (mut stream, _) = listener.accept()?;
    let Message { headers, body, .. } = read_message(&mut stream)?;
    let signature = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("sign"))
        .map(|(_, value)| STANDARD.decode(value))
        .ok_or("the request is not signed")??;
    let merchant = PublicKey::import(MERCHANT_PUBLIC_KEY, "merchant public key")?;
    merchant.verify(&body, &signature, HashAlg::Sha256)?;

    let request: serde_json::Value = serde_json::from_slice(&body)?;
    let answer = serde_json::json!({
        "code": "APPLY_SUCCESS",
        "msg": "",
        "data": {
            "outRefundNo": request["data"]["outRefundNo"],
            "refundTradeNo": "20240117091657TI790000055087",
            "status": "REFUND_PENDING",
        },
    })
    .to_string();
    let key = PrivateKey::import(GATEWAY_KEY, "gateway key")?;
    let answer_signature = STANDARD.encode(key.sign(answer.as_bytes(), HashAlg::Sha256)?);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nsign: {answer_signature}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(answer.as_bytes())?;
    Ok(())
}
