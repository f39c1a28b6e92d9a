//! PayerMax: responses and notifications are signed over the raw body, in a `sign` header.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{exercise, gateway_sign, response, split, Mode};
use libfuzzer_sys::fuzz_target;
use refundkit::{Client, HashAlg};
use serde_json::json;

fn client() -> &'static Client {
    common::client(|| {
        json!({
            "gateway": "payermax",
            "environment": "sandbox",
            "appId": "a0dddd1f622243cb9aa1b676e808b5f8",
            "merchantNo": "02021382719993",
        })
    })
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
