//! BluePay: responses are unsigned JSON; notifications are `{param, sign}` with the signature over
//! the `param` string exactly as sent.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{exercise, gateway_sign, response, split, Mode};
use libfuzzer_sys::fuzz_target;
use refundkit::{Client, HashAlg};
use serde_json::{json, Value};

fn client() -> &'static Client {
    common::client(|| {
        json!({
            "gateway": "bluepay",
            "appId": "733b887a4a784708bb369524db5b6ded",
            "baseUrl": "https://openapi.bluepay.test/",
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, body)) = split(data) else {
        return;
    };
    let (body, authentic) = match mode {
        Mode::Unsigned => (body.to_vec(), false),
        Mode::ForgedHeader => {
            // A notification whose sign is not the gateway's: the param is the fuzzed text.
            let param = String::from_utf8_lossy(body).into_owned();
            let envelope = json!({ "param": param, "sign": "c2lnbmF0dXJl" });
            (envelope.to_string().into_bytes(), false)
        }
        Mode::Signed => {
            let param = String::from_utf8_lossy(body).into_owned();
            let sign = gateway_sign(param.as_bytes(), HashAlg::Sha256);
            let envelope = json!({ "param": Value::String(param), "sign": sign });
            (envelope.to_string().into_bytes(), true)
        }
    };
    exercise(client(), &response(body, vec![]), authentic, false);
});
