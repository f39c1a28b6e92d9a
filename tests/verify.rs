//! Signature verification against the rsa crate's own and against crafted encodings.
//!
//! refundkit verifies with its own variable-time public exponentiation (src/signature.rs). These
//! tests hold it to the rsa crate's verifier on valid, tampered and out-of-range signatures, and to
//! RFC 8017 on encoded messages that are signed raw with the private exponent: every malformed
//! EMSA-PKCS1-v1_5 block must be refused, only the exact one accepted.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{fixture, sign, text, verify};
use crypto_bigint::modular::BoxedMontyForm;
use refundkit::hazmat::{pkcs1v15_verify, rsa_private_key, rsa_public_key};
use refundkit::keys::{PrivateKey, PublicKey};
use refundkit::HashAlg;

use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, Pkcs1v15Sign};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// The key pairs under test: 2048 and 4096 bits, and 2056, whose byte length is no whole number of
/// 32-bit limbs.
fn key_pairs() -> Vec<(PrivateKey, PublicKey)> {
    [
        "merchant_test_key",
        "merchant_4096_test_key",
        "odd_2056_test_key",
    ]
    .iter()
    .map(|name| {
        (
            PrivateKey::import(&fixture(&format!("{name}.pem")), "privateKey").unwrap(),
            PublicKey::import(&fixture(&format!("{name}.pub.pem")), "publicKey").unwrap(),
        )
    })
    .collect()
}

fn sha256_digest_info(message: &[u8]) -> Vec<u8> {
    [
        &Pkcs1v15Sign::new::<Sha256>().prefix[..],
        &Sha256::digest(message),
    ]
    .concat()
}

/// The rsa crate's verdict on the same inputs.
fn rsa_crate_accepts(public: &PublicKey, message: &[u8], signature: &[u8], hash: HashAlg) -> bool {
    match hash {
        HashAlg::Sha256 => rsa_public_key(public).verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(message),
            signature,
        ),
        HashAlg::Sha1 => rsa_public_key(public).verify(
            Pkcs1v15Sign::new::<Sha1>(),
            &Sha1::digest(message),
            signature,
        ),
    }
    .is_ok()
}

fn ours_accepts(public: &PublicKey, message: &[u8], signature: &[u8], hash: HashAlg) -> bool {
    let b64 = STANDARD.encode(signature);
    verify(public, message, &b64, hash).is_ok()
}

/// The library's signature, as bytes.
fn signature_bytes(private: &PrivateKey, message: &[u8], hash: HashAlg) -> Vec<u8> {
    STANDARD
        .decode(sign(private, message, hash).unwrap())
        .unwrap()
}

/// Raw RSA with the private exponent: turns any encoded message `em` into the signature of it.
fn raw_sign(private: &PrivateKey, em: &[u8]) -> Vec<u8> {
    let key = rsa_private_key(private).unwrap();
    let m = BoxedUint::from_be_slice(em, key.n_bits_precision()).unwrap();
    let s = BoxedMontyForm::new(m, key.n_params())
        .pow(key.d())
        .retrieve();
    let bytes = s.to_be_bytes();
    bytes[bytes.len() - key.size()..].to_vec()
}

/// 0x00 0x01 0xFF.. 0x00 T, `k` bytes long.
fn well_formed_em(digest_info: &[u8], k: usize) -> Vec<u8> {
    let mut em = vec![0x00, 0x01];
    em.resize(k - digest_info.len() - 1, 0xff);
    em.push(0x00);
    em.extend_from_slice(digest_info);
    em
}

#[test]
fn valid_signatures_are_accepted_by_both_verifiers() {
    for (private, public) in key_pairs() {
        for hash in [HashAlg::Sha256, HashAlg::Sha1] {
            for message in [&b""[..], b"refund", &[0xa5; 1000]] {
                let sig = signature_bytes(&private, message, hash);
                assert!(ours_accepts(&public, message, &sig, hash));
                assert!(rsa_crate_accepts(&public, message, &sig, hash));
                let other = if hash == HashAlg::Sha256 {
                    HashAlg::Sha1
                } else {
                    HashAlg::Sha256
                };
                assert!(!ours_accepts(&public, message, &sig, other));
                assert!(!ours_accepts(&public, b"refund!", &sig, hash));
            }
        }
    }
}

#[test]
fn every_single_bit_flip_is_refused_by_both() {
    for (private, public) in key_pairs() {
        let sig = signature_bytes(&private, b"amount=10.00", HashAlg::Sha256);
        for bit in 0..sig.len() * 8 {
            let mut tampered = sig.clone();
            tampered[bit / 8] ^= 0x80 >> (bit % 8);
            let ours = ours_accepts(&public, b"amount=10.00", &tampered, HashAlg::Sha256);
            let theirs = rsa_crate_accepts(&public, b"amount=10.00", &tampered, HashAlg::Sha256);
            assert!(
                !ours && !theirs,
                "bit {bit} of a {}-byte signature",
                sig.len()
            );
        }
    }
}

#[test]
fn signatures_of_the_wrong_length_or_out_of_range_are_refused() {
    for (private, public) in key_pairs() {
        let k = rsa_public_key(&public).size();
        let digest_info = sha256_digest_info(b"x");
        let good = raw_sign(&private, &well_formed_em(&digest_info, k));
        assert!(pkcs1v15_verify(&public, &digest_info, &good));

        let n = rsa_public_key(&public).n().as_ref().to_be_bytes();
        let n = &n[n.len() - k..];
        // s + n has the same residue: a verifier that reduced instead of refusing would accept it.
        let n_plus_good = {
            let wide = rsa_public_key(&public).n_bits_precision() + 32;
            let s = BoxedUint::from_be_slice(&good, wide).unwrap();
            let n = BoxedUint::from_be_slice(n, wide).unwrap();
            let sum = s.wrapping_add(&n).to_be_bytes();
            let (high, low) = sum.split_at(sum.len() - k);
            high.iter().all(|&b| b == 0).then(|| low.to_vec())
        };
        let candidates: Vec<Vec<u8>> = [
            vec![],
            good[1..].to_vec(),
            [&[0u8][..], &good].concat(),
            [&good[..], &[0u8][..]].concat(),
            n.to_vec(),
            vec![0xff; k],
            vec![0; k],
        ]
        .into_iter()
        .chain(n_plus_good)
        .collect();
        for candidate in candidates {
            assert!(!pkcs1v15_verify(&public, &digest_info, &candidate));
            let theirs = rsa_public_key(&public)
                .verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(b"x"),
                    &candidate,
                )
                .is_ok();
            assert!(!theirs);
        }
    }
}

#[test]
fn only_the_exact_encoding_is_accepted() {
    let (private, public) = key_pairs().remove(0);
    let k = rsa_public_key(&public).size();
    let digest_info = sha256_digest_info(b"refund");
    let good = well_formed_em(&digest_info, k);
    assert!(pkcs1v15_verify(
        &public,
        &digest_info,
        &raw_sign(&private, &good)
    ));

    let mut malformed: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut em = good.clone();
    em[1] = 0x02;
    malformed.push(("block type 2", em));
    let mut em = good.clone();
    em[0] = 0x01;
    em[1] = 0x01;
    malformed.push(("leading byte not zero", em));
    let mut em = good.clone();
    em[10] = 0xfe;
    malformed.push(("a padding byte that is not 0xFF", em));
    let sep = k - digest_info.len() - 1;
    let mut em = good.clone();
    em[sep] = 0xff;
    malformed.push(("no zero separator", em));
    // The hash right-aligned after garbage: the shape of Bleichenbacher's 2006 forgery.
    let mut em = vec![
        0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
    ];
    em.extend_from_slice(&digest_info);
    em.resize(k, 0xab);
    malformed.push(("garbage after the DigestInfo", em));
    // DigestInfo without the NULL parameters: valid DER some libraries accept, not the encoding.
    let without_null = {
        let prefix = &Pkcs1v15Sign::new::<Sha256>().prefix;
        let mut p = vec![0x30, prefix[1] - 2, 0x30, prefix[3] - 2];
        p.extend_from_slice(&prefix[4..prefix.len() - 4]);
        p.extend_from_slice(&prefix[prefix.len() - 2..]);
        [&p[..], &Sha256::digest(b"refund")].concat()
    };
    malformed.push(("DigestInfo without NULL", well_formed_em(&without_null, k)));
    malformed.push((
        "SHA-1 DigestInfo",
        well_formed_em(
            &[
                &Pkcs1v15Sign::new::<Sha1>().prefix[..],
                &Sha1::digest(b"refund"),
            ]
            .concat(),
            k,
        ),
    ));
    malformed.push((
        "another message's digest",
        well_formed_em(&sha256_digest_info(b"refund!"), k),
    ));

    for (what, em) in malformed {
        assert_eq!(em.len(), k, "{what}");
        assert_ne!(em, good, "{what}");
        let sig = raw_sign(&private, &em);
        assert!(
            !pkcs1v15_verify(&public, &digest_info, &sig),
            "accepted: {what}"
        );
        assert!(
            !rsa_crate_accepts(&public, b"refund", &sig, HashAlg::Sha256),
            "the rsa crate accepted: {what}"
        );
    }
}

#[test]
fn a_digest_info_too_long_for_the_modulus_is_refused() {
    let (_, public) = key_pairs().remove(0);
    let k = rsa_public_key(&public).size();
    let sig = vec![1u8; k];
    assert!(!pkcs1v15_verify(&public, &vec![0u8; k - 10], &sig));
    assert!(!pkcs1v15_verify(&public, &vec![0u8; k], &sig));
}

/// PayerMax prints one `sign` on every API page without the message it signs; with the sample
/// public key it opens to the SHA-256 digest in `vectors.json`. Both verifiers take it as the
/// signature of that digest, and neither takes it for a digest one bit away.
#[test]
fn the_payermax_documents_example_sign_is_a_signature_of_its_recovered_digest() {
    let vector = common::vectors("payermax");
    let public = PublicKey::import(text(&vector, "publicKey"), "publicKey").unwrap();
    let signature = STANDARD.decode(text(&vector["docsSign"], "sign")).unwrap();
    let hex = text(&vector["docsSign"], "recoveredSha256");
    let mut digest: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    for accepted in [true, false] {
        let digest_info = [&Pkcs1v15Sign::new::<Sha256>().prefix[..], &digest].concat();
        assert_eq!(pkcs1v15_verify(&public, &digest_info, &signature), accepted);
        let by_rsa =
            rsa_public_key(&public).verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature);
        assert_eq!(by_rsa.is_ok(), accepted);
        digest[31] ^= 1;
    }
}
