//! BIEASES: the business body is AES-CBC encrypted inside `{merchantId, timestamp, body, sign}`,
//! signed (default profile) over the base64 ciphertext. Responses wrap such an envelope, or plain
//! data, in `{code, msg, data}`.
#![no_main]

#[path = "common.rs"]
mod common;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{exercise, gateway_sign, response, split, Mode, NOW_MS};
use libfuzzer_sys::fuzz_target;
use refundkit::{Client, HashAlg};
use serde_json::{json, Value};

const MERCHANT_ID: &str = "B131567545069";
const AES_KEY: &[u8; 16] = b"0123456789abcdef";
const AES_IV: &[u8; 16] = b"abcdef9876543210";

fn client() -> &'static Client {
    common::client(|| {
        json!({
            "gateway": "bieases",
            "environment": "sandbox",
            "merchantId": MERCHANT_ID,
            "aesKey": std::str::from_utf8(AES_KEY).unwrap(),
            "aesIv": std::str::from_utf8(AES_IV).unwrap(),
        })
    })
}

fn encrypt(plaintext: &[u8]) -> String {
    let encryptor = cbc::Encryptor::<aes::Aes128>::new_from_slices(AES_KEY, AES_IV).unwrap();
    STANDARD.encode(encryptor.encrypt_padded_vec::<Pkcs7>(plaintext))
}

fn envelope(body: String, sign: String, timestamp: Value) -> Value {
    json!({ "merchantId": MERCHANT_ID, "timestamp": timestamp, "body": body, "sign": sign })
}

fn send(envelope: &Value, authentic: bool) {
    let notification = response(envelope.to_string().into_bytes(), vec![]);
    exercise(client(), &notification, authentic, false);
    let wrapper = json!({ "code": 20000, "msg": "", "data": envelope });
    let answer = response(wrapper.to_string().into_bytes(), vec![]);
    exercise(client(), &answer, authentic, false);
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, body)) = split(data) else {
        return;
    };
    match mode {
        Mode::Unsigned => exercise(client(), &response(body.to_vec(), vec![]), false, false),
        Mode::ForgedHeader => {
            // The fuzzed text as ciphertext and as timestamp, under a signature that is not genuine.
            let text = String::from_utf8_lossy(body).into_owned();
            let forged = envelope(text.clone(), "c2lnbmF0dXJl".into(), Value::String(text));
            send(&forged, false);
        }
        Mode::Signed => {
            let ciphertext = encrypt(body);
            let sign = gateway_sign(ciphertext.as_bytes(), HashAlg::Sha256);
            send(&envelope(ciphertext, sign, json!(NOW_MS)), true);
        }
    }
});
