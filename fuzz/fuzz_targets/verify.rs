//! refundkit's RSASSA-PKCS1-v1_5 verifier against the rsa crate's, on the same inputs.
//!
//! The first byte chooses how the rest becomes a signature:
//! - 0: the bytes are the signature itself (any length, any value);
//! - 1: the bytes overwrite a window of the exact encoded message, which is then signed raw with the
//!   fixture private key, so the fuzzer explores encodings one edit away from the valid one;
//! - 2: the bytes are the whole encoded message (zero-padded to the modulus length), signed raw.
//!
//! Both verifiers must give the same verdict for the SHA-256 digest of a fixed message.

#![no_main]

use crypto_bigint::modular::BoxedMontyForm;
use libfuzzer_sys::fuzz_target;
use refundkit::hazmat::{pkcs1v15_verify, rsa_private_key, rsa_public_key};
use refundkit::keys::{PrivateKey, PublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, Pkcs1v15Sign};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const MESSAGE: &[u8] = b"refund";

fn keys() -> &'static (PrivateKey, PublicKey) {
    static KEYS: OnceLock<(PrivateKey, PublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            PrivateKey::import(
                include_str!("../../tests/fixtures/merchant_test_key.pem"),
                "privateKey",
            )
            .expect("fixture key"),
            PublicKey::import(
                include_str!("../../tests/fixtures/merchant_test_key.pub.pem"),
                "publicKey",
            )
            .expect("fixture key"),
        )
    })
}

fn digest_info() -> Vec<u8> {
    [
        &Pkcs1v15Sign::new::<Sha256>().prefix[..],
        &Sha256::digest(MESSAGE),
    ]
    .concat()
}

/// 0x00 0x01 0xFF.. 0x00 digest_info, `k` bytes.
fn exact_encoding(k: usize) -> Vec<u8> {
    let t = digest_info();
    let mut em = vec![0x00, 0x01];
    em.resize(k - t.len() - 1, 0xff);
    em.push(0x00);
    em.extend_from_slice(&t);
    em
}

/// `em` to the power of the private exponent: the signature whose recovered message is `em`, or
/// None where `em` is not below the modulus.
fn raw_sign(private: &PrivateKey, em: &[u8]) -> Option<Vec<u8>> {
    let key = rsa_private_key(private).unwrap();
    let m = BoxedUint::from_be_slice(em, key.n_bits_precision()).ok()?;
    if m >= *key.n().as_ref() {
        return None;
    }
    let s = BoxedMontyForm::new(m, key.n_params())
        .pow(key.d())
        .retrieve();
    let bytes = s.to_be_bytes();
    Some(bytes[bytes.len() - key.size()..].to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (private, public) = keys();
    let k = rsa_public_key(public).size();
    let signature = match mode % 3 {
        0 => rest.to_vec(),
        1 => {
            let Some((&offset, patch)) = rest.split_first() else {
                return;
            };
            let mut em = exact_encoding(k);
            let start = usize::from(offset) % k;
            let end = (start + patch.len()).min(k);
            em[start..end].copy_from_slice(&patch[..end - start]);
            match raw_sign(private, &em) {
                Some(signature) => signature,
                None => return,
            }
        }
        _ => {
            let mut em = rest.to_vec();
            em.resize(k, 0);
            match raw_sign(private, &em) {
                Some(signature) => signature,
                None => return,
            }
        }
    };
    let ours = pkcs1v15_verify(public, &digest_info(), &signature);
    let theirs = rsa_public_key(public)
        .verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(MESSAGE),
            &signature,
        )
        .is_ok();
    assert_eq!(
        ours,
        theirs,
        "the verifiers disagree on a {}-byte signature",
        signature.len()
    );
});
