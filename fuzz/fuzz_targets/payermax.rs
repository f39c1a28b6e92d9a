//! PayerMax: responses and notifications are signed over the raw body, in a `sign` header.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{exercise, gateway_sign, one_line, response, split, Mode, GATEWAY_PUB_PEM};
use libfuzzer_sys::fuzz_target;
use refundkit::signature::HashAlg;
use refundkit::Client;
use serde_json::json;

/// The client is not `Sync` (gateways are plain trait objects); libFuzzer runs one thread.
fn client() -> &'static Client {
    thread_local! {
        static CLIENT: &'static Client = Box::leak(Box::new(make_client()));
    }
    CLIENT.with(|c| *c)
}

fn make_client() -> Client {
    {
        common::client_from(json!({
            "gateway": "payermax",
            "environment": "sandbox",
            "appId": "a0dddd1f622243cb9aa1b676e808b5f8",
            "merchantNo": "02021382719993",
            "privateKey": one_line(common::MERCHANT_KEY_PEM),
            "gatewayPublicKey": one_line(GATEWAY_PUB_PEM),
        }))
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, body)) = split(data) else {
        return;
    };
    let headers = match mode {
        Mode::Unsigned => vec![],
        Mode::ForgedHeader => vec![(
            "Sign".to_string(),
            String::from_utf8_lossy(body).into_owned(),
        )],
        Mode::Signed => vec![("sign".to_string(), gateway_sign(body, HashAlg::Sha256))],
    };
    let message = response(body.to_vec(), headers);
    exercise(client(), &message, mode == Mode::Signed, true);
});
