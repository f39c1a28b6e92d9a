//! WisePay Cloud: responses and notifications carry `sign` over the canonical string of their
//! top-level fields; notifications may be JSON or form-encoded.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{exercise, response, split, Mode};
use libfuzzer_sys::fuzz_target;
use refundkit::Client;

fn client() -> &'static Client {
    common::client(common::wisepay_config)
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
