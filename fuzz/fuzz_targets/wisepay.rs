//! WisePay Cloud: responses and notifications carry `sign` over the canonical string of their
//! top-level fields; notifications may be JSON or form-encoded.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{exercise, one_line, response, split, Mode, GATEWAY_PUB_PEM};
use libfuzzer_sys::fuzz_target;
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
            "gateway": "wisepay",
            "environment": "sg-sandbox",
            "appId": "wz715fc0d10ee9d156",
            "merchantNo": "302100085224",
            "privateKey": one_line(common::MERCHANT_KEY_PEM),
            "gatewayPublicKey": one_line(GATEWAY_PUB_PEM),
        }))
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, body)) = split(data) else {
        return;
    };
    match mode {
        Mode::Unsigned => exercise(client(), &response(body.to_vec(), vec![]), false, true),
        Mode::ForgedHeader => {
            // The same bytes declared as form data, the other notification encoding.
            let headers = vec![(
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            )];
            exercise(client(), &response(body.to_vec(), headers), false, true)
        }
        Mode::Signed => {
            if let Some(signed) = common::wisepay_signed(body) {
                exercise(client(), &response(signed, vec![]), true, true);
            }
        }
    }
});
