//! What the integration tests share: fixtures and the published vectors, the four gateways' test
//! configs, messages as the host hands them over, signing and verifying with base64 signatures the
//! way gateways write them, and the `openssl` command line as the independent oracle. Each test
//! crate uses part of this module.
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use refundkit::{
    Client, Config, HashAlg, PrivateKey, PublicKey, RawResponse, Result, Signer, Verifier,
};
use serde_json::{json, Map, Value};

pub fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

/// The library's JSON value of a serde_json one, through its text: tests build messages with
/// `json!`, and each such value also checks that the two implementations read the text alike.
pub fn lib_json(value: &Value) -> refundkit::json::Value {
    let text = value.to_string();
    text.parse()
        .unwrap_or_else(|e| panic!("refundkit::json refuses {text}: {e}"))
}

/// serde_json's reading of a value the library holds (a result's `raw`), through the text the
/// library writes.
pub fn serde_json_of(value: &refundkit::json::Value) -> Value {
    serde_json::from_str(&value.to_string()).unwrap()
}

/// A JSON fixture, parsed.
pub fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// One gateway's published vectors and examples from `vectors.json` (see the fixtures README).
pub fn vectors(gateway: &str) -> Value {
    let all = json_fixture("vectors.json");
    assert!(all[gateway].is_object(), "no vectors for {gateway}");
    all[gateway].clone()
}

/// A string field of a vector, which must be there.
pub fn text<'a>(vector: &'a Value, field: &str) -> &'a str {
    vector[field]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {field} is not a string"))
}

/// A PEM text as one line of base64 DER, the form gateway portals hand keys out in (and the only
/// form a config value without line breaks can hold).
pub fn one_line(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// A PEM fixture as one line of base64 DER.
pub fn bare_key(name: &str) -> String {
    one_line(&fixture(name))
}

/// The test gateway's private key, to sign what "the gateway" sends.
pub fn gateway_key() -> PrivateKey {
    PrivateKey::import(&fixture("gateway_test_key.pem"), "privateKey").unwrap()
}

/// `base` with `changes` applied: a `null` removes the key, anything else sets it.
pub fn changed(mut base: Value, changes: Value) -> Value {
    let object = base.as_object_mut().expect("an object to change");
    for (key, value) in changes.as_object().expect("an object of changes") {
        if value.is_null() {
            object.remove(key);
        } else {
            object.insert(key.clone(), value.clone());
        }
    }
    base
}

/// A working config for each gateway: the published merchant ids where there are any, the test
/// merchant key and the test gateway's public key.
pub fn gateway_config(gateway: &str) -> Value {
    let ids = match gateway {
        "wisepay" | "payermax" => {
            let vector = vectors(gateway);
            let environment = if gateway == "wisepay" {
                "sg-sandbox"
            } else {
                "sandbox"
            };
            json!({"environment": environment, "appId": vector["appId"],
                   "merchantNo": vector["merchantNo"]})
        }
        "bluepay" => json!({"appId": vectors("bluepay")["appId"],
                            "baseUrl": "https://openapi.bluepay.test/"}),
        "bieases" => json!({"environment": "sandbox", "merchantId": "B131567545069",
                            "aesKey": "0123456789abcdef", "aesIv": "abcdef9876543210"}),
        other => panic!("no test config for {other}"),
    };
    changed(
        ids,
        json!({
            "gateway": gateway,
            "privateKey": bare_key("merchant_test_key.pem"),
            "gatewayPublicKey": bare_key("gateway_test_key.pub.pem"),
        }),
    )
}

/// A client for `gateway` with `changes` made to its test config.
pub fn client_with(gateway: &str, changes: Value) -> Result<Client> {
    Client::new(Config::from_json(&lib_json(&changed(
        gateway_config(gateway),
        changes,
    )))?)
}

/// A received message with status 200, `headers` and `body`, as the host hands it over.
pub fn received(headers: &[(&str, &str)], body: &(impl AsRef<[u8]> + ?Sized)) -> RawResponse {
    RawResponse::new(
        Some(200),
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body.as_ref().to_vec(),
    )
}

/// A received JSON body with status 200.
pub fn json_response(body: &(impl AsRef<[u8]> + ?Sized)) -> RawResponse {
    received(&[("content-type", "application/json")], body)
}

/// A JSON object text as a map.
pub fn object_of(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text).unwrap() {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Signs with the library's signer and writes the signature as standard base64.
pub fn sign(key: &PrivateKey, message: &[u8], hash: HashAlg) -> Result<String> {
    key.sign(message, hash)
        .map(|signature| STANDARD.encode(signature))
}

/// Verifies a standard base64 signature with the library's verifier.
pub fn verify(key: &PublicKey, message: &[u8], signature_b64: &str, hash: HashAlg) -> Result<()> {
    let signature = STANDARD
        .decode(signature_b64)
        .map_err(|_| refundkit::Error::signature_invalid("not base64"))?;
    key.verify(message, &signature, hash)
}

/// The `openssl` command line, an implementation independent of this crate, to sign what the
/// gateway would send and to check what the library sends. Native only: WebAssembly cannot run it.
#[cfg(not(target_arch = "wasm32"))]
pub mod openssl {
    use super::{fixture_path, STANDARD};
    use base64::Engine;
    use std::io::Write;
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs `openssl args` with `stdin`; whether it succeeded, and what it wrote.
    pub fn run(args: &[&str], stdin: &[u8]) -> (bool, Vec<u8>) {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl on PATH");
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.success(), out.stdout)
    }

    /// A scratch file that removes itself, for what openssl only reads from a file.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(contents: &[u8]) -> Scratch {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("refundkit-openssl-{}-{n}", std::process::id()));
            std::fs::write(&path, contents).unwrap();
            Scratch(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RSASSA-PKCS1-v1_5 over `message` with the private key fixture `key`, `hash` as openssl
    /// names it (`sha256`, `sha1`), written as standard base64.
    pub fn sign(key: &str, hash: &str, message: &[u8]) -> String {
        let (ok, out) = run(
            &["dgst", &format!("-{hash}"), "-sign", &fixture_path(key)],
            message,
        );
        assert!(ok, "openssl could not sign with {key}");
        STANDARD.encode(out)
    }

    /// Whether the public key fixture `key` verifies a standard base64 signature over `message`.
    pub fn verifies(key: &str, hash: &str, message: &[u8], signature_b64: &str) -> bool {
        let signature = Scratch::new(&STANDARD.decode(signature_b64).unwrap());
        let args = [
            "dgst",
            &format!("-{hash}"),
            "-verify",
            &fixture_path(key),
            "-signature",
            signature.0.to_str().unwrap(),
        ];
        run(&args, message).0
    }

    /// AES-CBC with PKCS#7 padding, the key's length choosing AES-128, -192 or -256; standard
    /// base64 on one line.
    pub fn encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> String {
        let (ok, out) = run_owned(&cbc_args(key, iv, false), plaintext);
        assert!(ok, "openssl could not encrypt");
        String::from_utf8(out).unwrap().trim().to_string()
    }

    /// The plaintext of a base64 AES-CBC body, or `None` where openssl refuses it (bad padding).
    pub fn decrypt(key: &[u8], iv: &[u8], body_b64: &str) -> Option<Vec<u8>> {
        let (ok, out) = run_owned(&cbc_args(key, iv, true), body_b64.as_bytes());
        ok.then_some(out)
    }

    fn cbc_args(key: &[u8], iv: &[u8], decrypt: bool) -> Vec<String> {
        let mut args = vec!["enc".to_string()];
        if decrypt {
            args.push("-d".into());
        }
        let cipher = format!("-aes-{}-cbc", key.len() * 8);
        args.extend([cipher, "-K".into(), hex(key), "-iv".into(), hex(iv)]);
        args.extend(["-base64".into(), "-A".into()]);
        args
    }

    /// `cbc_args` as the `&str` slice `run` takes.
    fn run_owned(args: &[String], stdin: &[u8]) -> (bool, Vec<u8>) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, stdin)
    }
}
