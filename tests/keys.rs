//! Strict key import: only rsaEncryption keys, PEM labels that match each other, the slot and the
//! DER inside, exactly one PEM block with nothing but whitespace around it, a modulus of 2048 to
//! 4096 bits, and huge inputs refused before any work proportional to their size. Every refusal is
//! KEY_INVALID on the slot's field and quotes none of the key text.
//!
//! The RSA-PSS keys, the encrypted keys, the certificate and the 4104-bit key are made by openssl
//! (tests/fixtures/README.md), so they do not depend on this crate's own encoder.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{fixture, fixture_path, one_line, openssl};
use refundkit::keys::{key_fingerprint, PrivateKey, PublicKey};
use refundkit::{Error, ErrorCode};
use rsa::pkcs1::{RsaPublicKeyRef, UintRef};
use rsa::pkcs8::der::asn1::{AnyRef, BitStringRef, Null};
use rsa::pkcs8::der::{Decode, Encode, Tag};
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::pkcs8::PrivateKeyInfoRef;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

fn der(pem: &str) -> Vec<u8> {
    STANDARD.decode(one_line(pem)).unwrap()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

const MARKER: &str = "SECRETMARKERx9Q";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Private,
    Public,
}

/// One way a key text must be refused: which slot it was given to, and words the message must hold.
struct Refusal {
    name: &'static str,
    slot: Slot,
    text: String,
    says: &'static [&'static str],
}

fn refusal(name: &'static str, slot: Slot, text: String, says: &'static [&'static str]) -> Refusal {
    Refusal {
        name,
        slot,
        text,
        says,
    }
}

/// An SPKI or PKCS#8 DER with its rsaEncryption parameters replaced (`None`: absent).
fn with_rsa_parameters(der: &[u8], parameters: Option<AnyRef<'_>>) -> Vec<u8> {
    if let Ok(mut spki) = SubjectPublicKeyInfoRef::from_der(der) {
        spki.algorithm.parameters = parameters;
        return spki.to_der().unwrap();
    }
    let mut info = PrivateKeyInfoRef::from_der(der).unwrap();
    info.algorithm.parameters = parameters;
    info.to_der().unwrap()
}

/// A public key with a made-up odd modulus of `bits` bits, as (PKCS#1 DER, SPKI DER). Nothing
/// checks that a public modulus is a product of two primes, so this stands in for a key that
/// openssl would take minutes to generate.
fn synthetic_public_key(bits: usize) -> (Vec<u8>, Vec<u8>) {
    let modulus = vec![0xc5u8; bits / 8];
    let pkcs1 = RsaPublicKeyRef {
        modulus: UintRef::new(&modulus).unwrap(),
        public_exponent: UintRef::new(&[1, 0, 1]).unwrap(),
    }
    .to_der()
    .unwrap();
    let reference = der(&fixture("merchant_test_key.pub.pem"));
    let mut spki = SubjectPublicKeyInfoRef::from_der(&reference).unwrap();
    spki.subject_public_key = BitStringRef::from_bytes(&pkcs1).unwrap();
    let spki = spki.to_der().unwrap();
    (pkcs1, spki)
}

/// Every refusal this file knows, grouped by what it is about.
fn refusals() -> Vec<Refusal> {
    use Slot::{Private, Public};
    let private = fixture("merchant_test_key.pem");
    let private_pkcs1 = fixture("merchant_test_key.pkcs1.pem");
    let public = fixture("merchant_test_key.pub.pem");
    let public_pkcs1 = fixture("merchant_test_key.pub.pkcs1.pem");
    let pss_private = fixture("rsa_pss_test_key.pem");
    let pss_public = fixture("rsa_pss_test_key.pub.pem");
    let pss_params_private = fixture("rsa_pss_sha256_test_key.pem");
    let pss_params_public = fixture("rsa_pss_sha256_test_key.pub.pem");
    let big_private = fixture("big_4104_test_key.pem");
    let big_public = fixture("big_4104_test_key.pub.pem");
    let (huge_pkcs1, huge_spki) = synthetic_public_key(8200);
    let (tiny_pkcs1, _) = synthetic_public_key(512);
    let integer_zero = AnyRef::new(Tag::Integer, &[0]).unwrap();
    let relabel = |text: &str, from: &str, to: &str| {
        text.replace(&format!("BEGIN {from}-"), &format!("BEGIN {to}-"))
            .replace(&format!("END {from}-"), &format!("END {to}-"))
    };
    vec![
        // 1. RSA-PSS keys and rsaEncryption parameters.
        refusal(
            "RSA-PSS SPKI",
            Public,
            pss_public.clone(),
            &["RSA-PSS", "PKCS#1 v1.5", "rsaEncryption"],
        ),
        refusal(
            "RSA-PSS SPKI, bare base64",
            Public,
            one_line(&pss_public),
            &["RSA-PSS", "rsaEncryption"],
        ),
        refusal(
            "RSA-PSS SPKI with PSS parameters",
            Public,
            pss_params_public,
            &["RSA-PSS", "rsaEncryption"],
        ),
        refusal(
            "RSA-PSS PKCS#8",
            Private,
            pss_private.clone(),
            &["RSA-PSS", "PKCS#1 v1.5", "rsaEncryption"],
        ),
        refusal(
            "RSA-PSS PKCS#8, bare base64",
            Private,
            one_line(&pss_private),
            &["RSA-PSS", "rsaEncryption"],
        ),
        refusal(
            "RSA-PSS PKCS#8 with PSS parameters",
            Private,
            pss_params_private,
            &["RSA-PSS", "rsaEncryption"],
        ),
        refusal(
            "rsaEncryption SPKI without parameters",
            Public,
            pem("PUBLIC KEY", &with_rsa_parameters(&der(&public), None)),
            &["rsaEncryption", "NULL"],
        ),
        refusal(
            "rsaEncryption SPKI with INTEGER parameters",
            Public,
            pem(
                "PUBLIC KEY",
                &with_rsa_parameters(&der(&public), Some(integer_zero)),
            ),
            &["rsaEncryption", "NULL"],
        ),
        refusal(
            "rsaEncryption PKCS#8 without parameters",
            Private,
            STANDARD.encode(with_rsa_parameters(&der(&private), None)),
            &["rsaEncryption", "NULL"],
        ),
        refusal(
            "EC PKCS#8",
            Private,
            fixture("ec_p256_test_key.pem"),
            &["expected an RSA private key", "EC"],
        ),
        // 2. PEM labels.
        refusal(
            "BEGIN PUBLIC KEY, END RSA PUBLIC KEY",
            Public,
            public.replace("END PUBLIC KEY", "END RSA PUBLIC KEY"),
            &["BEGIN", "END", "labels differ"],
        ),
        refusal(
            "BEGIN RSA PRIVATE KEY, END PRIVATE KEY",
            Private,
            private_pkcs1.replace("END RSA PRIVATE KEY", "END PRIVATE KEY"),
            &["labels differ"],
        ),
        refusal(
            "PUBLIC KEY label on PKCS#1 DER",
            Public,
            relabel(&public_pkcs1, "RSA PUBLIC KEY", "PUBLIC KEY"),
            &["PKCS#1", "RSA PUBLIC KEY"],
        ),
        refusal(
            "RSA PUBLIC KEY label on SPKI DER",
            Public,
            relabel(&public, "PUBLIC KEY", "RSA PUBLIC KEY"),
            &["SPKI", "-----BEGIN PUBLIC KEY-----"],
        ),
        refusal(
            "PRIVATE KEY label on PKCS#1 DER",
            Private,
            relabel(&private_pkcs1, "RSA PRIVATE KEY", "PRIVATE KEY"),
            &["PKCS#1", "RSA PRIVATE KEY"],
        ),
        refusal(
            "RSA PRIVATE KEY label on PKCS#8 DER",
            Private,
            relabel(&private, "PRIVATE KEY", "RSA PRIVATE KEY"),
            &["PKCS#8", "-----BEGIN PRIVATE KEY-----"],
        ),
        refusal(
            "PUBLIC KEY label on nothing",
            Public,
            "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n".into(),
            &["not an SPKI"],
        ),
        refusal(
            "certificate as the public key",
            Public,
            fixture("gateway_test_cert.pem"),
            &["certificate", "openssl x509"],
        ),
        refusal(
            "certificate as the private key",
            Private,
            fixture("gateway_test_cert.pem"),
            &["certificate", "private key"],
        ),
        refusal(
            "unknown label with a marker",
            Private,
            relabel(&private, "PRIVATE KEY", &format!("{MARKER} PRIVATE KEY")),
            &["label", "PRIVATE KEY", "RSA PRIVATE KEY"],
        ),
        refusal(
            "unknown label in the public slot",
            Public,
            relabel(&public, "PUBLIC KEY", "SSH2 PUBLIC KEY"),
            &["label", "PUBLIC KEY", "RSA PUBLIC KEY"],
        ),
        refusal(
            "EC PRIVATE KEY label",
            Private,
            relabel(&private, "PRIVATE KEY", "EC PRIVATE KEY"),
            &["EC", "RSA"],
        ),
        refusal(
            "ENCRYPTED PRIVATE KEY",
            Private,
            fixture("merchant_test_key.encrypted.pem"),
            &["encrypted", "decrypt it first", "openssl"],
        ),
        refusal(
            "legacy encrypted RSA PRIVATE KEY",
            Private,
            fixture("merchant_test_key.encrypted.pkcs1.pem"),
            &["encrypted", "decrypt it first"],
        ),
        refusal(
            "a PEM header line",
            Private,
            private.replacen('\n', &format!("\nComment: {MARKER}\n"), 1),
            &["header"],
        ),
        // A key of the other kind keeps its own message, whatever the format.
        refusal(
            "SPKI as the private key",
            Private,
            public.clone(),
            &["a public key was given"],
        ),
        refusal(
            "PKCS#1 public as the private key",
            Private,
            public_pkcs1.clone(),
            &["a public key was given"],
        ),
        refusal(
            "bare SPKI as the private key",
            Private,
            one_line(&public),
            &["a public key was given"],
        ),
        refusal(
            "bare PKCS#1 public as the private key",
            Private,
            one_line(&public_pkcs1),
            &["a public key was given"],
        ),
        refusal(
            "PKCS#8 as the public key",
            Public,
            private.clone(),
            &["a private key was given"],
        ),
        refusal(
            "PKCS#1 private as the public key",
            Public,
            private_pkcs1.clone(),
            &["a private key was given"],
        ),
        refusal(
            "bare PKCS#8 as the public key",
            Public,
            one_line(&private),
            &["a private key was given"],
        ),
        refusal(
            "bare PKCS#1 private as the public key",
            Public,
            one_line(&private_pkcs1),
            &["a private key was given"],
        ),
        refusal(
            "encrypted private key as the public key",
            Public,
            fixture("merchant_test_key.encrypted.pem"),
            &["a private key was given"],
        ),
        refusal(
            "EC private key as the public key",
            Public,
            fixture("ec_p256_test_key.pem"),
            &["a private key was given"],
        ),
        // 3. Exactly one block, with only whitespace around it.
        refusal(
            "text before the block",
            Private,
            format!("Bag Attributes\n    localKeyID: {MARKER}\n{private}"),
            &["before the -----BEGIN line"],
        ),
        refusal(
            "text after the block",
            Private,
            format!("{private}{MARKER}\n"),
            &["after the -----END line"],
        ),
        refusal(
            "a second block",
            Private,
            format!("{private}\n{private}"),
            &["second PEM block", "one key"],
        ),
        refusal(
            "a public key after the private one",
            Private,
            format!("{private}{public}"),
            &["second PEM block"],
        ),
        refusal(
            "a second block in the public slot",
            Public,
            format!("{public}{}", fixture("gateway_test_cert.pem")),
            &["second PEM block"],
        ),
        refusal(
            "a BEGIN line inside the block",
            Public,
            public.replacen("-----END PUBLIC KEY-----", &public, 1),
            &["BEGIN"],
        ),
        refusal(
            "END without BEGIN",
            Public,
            format!("{}\n-----END PUBLIC KEY-----\n", one_line(&public)),
            &["END line", "BEGIN line"],
        ),
        refusal(
            "BEGIN without END",
            Private,
            "-----BEGIN PRIVATE KEY-----\nAAAA".into(),
            &["incomplete"],
        ),
        // 4. Sizes.
        refusal(
            "4104-bit PKCS#8",
            Private,
            big_private.clone(),
            &["the modulus is 4104 bits", "2048 to 4096 bits"],
        ),
        refusal(
            "4104-bit PKCS#1 private",
            Private,
            pem("RSA PRIVATE KEY", &pkcs1_private_of(&big_private)),
            &["the modulus is 4104 bits", "2048 to 4096 bits"],
        ),
        refusal(
            "4104-bit SPKI",
            Public,
            big_public,
            &["the modulus is 4104 bits", "2048 to 4096 bits"],
        ),
        refusal(
            "8200-bit SPKI",
            Public,
            pem("PUBLIC KEY", &huge_spki),
            &["the modulus is 8200 bits", "2048 to 4096 bits"],
        ),
        refusal(
            "8200-bit PKCS#1 public",
            Public,
            STANDARD.encode(&huge_pkcs1),
            &["the modulus is 8200 bits"],
        ),
        refusal(
            "512-bit PKCS#1 public",
            Public,
            STANDARD.encode(&tiny_pkcs1),
            &["the modulus is 512 bits", "2048 to 4096 bits"],
        ),
        refusal(
            "1024-bit PKCS#8",
            Private,
            fixture("weak_1024_test_key.pem"),
            &["the modulus is 1024 bits", "at least 2048 bits"],
        ),
        refusal(
            "DER claiming 2 GiB",
            Private,
            STANDARD.encode([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00]),
            &["not one"],
        ),
        refusal(
            "10 MB of base64",
            Private,
            "A".repeat(10 << 20),
            &["10485760 bytes", "at most"],
        ),
        refusal(
            "10 MB of PEM",
            Public,
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                "A".repeat(10 << 20)
            ),
            &["bytes", "at most"],
        ),
        // What was refused before stays refused.
        refusal("empty", Private, String::new(), &["empty"]),
        refusal("whitespace only", Public, " \r\n\t".into(), &["empty"]),
        refusal(
            "not base64",
            Private,
            format!("not a key at all, {MARKER}"),
            &["neither"],
        ),
    ]
}

/// The PKCS#1 RSAPrivateKey inside a PKCS#8 PEM (PKCS#8 wraps it in an OCTET STRING, RFC 5208 §5).
fn pkcs1_private_of(pkcs8_pem: &str) -> Vec<u8> {
    let der = der(pkcs8_pem);
    PrivateKeyInfoRef::from_der(&der)
        .unwrap()
        .private_key
        .as_bytes()
        .to_vec()
}

fn case(name: &str) -> Refusal {
    refusals()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no refusal named {name}"))
}

/// Imports into the slot; a public key is also tried through `key_fingerprint`, which must agree.
fn import(slot: Slot, text: &str) -> Result<(), Error> {
    match slot {
        Slot::Private => PrivateKey::import(text, "privateKey").map(drop),
        Slot::Public => {
            let imported = PublicKey::import(text, "gatewayPublicKey").map(drop);
            let fingerprint = key_fingerprint(text);
            assert_eq!(
                imported.is_ok(),
                fingerprint.is_ok(),
                "import and fingerprint disagree"
            );
            if let (Err(a), Err(b)) = (&imported, &fingerprint) {
                assert_eq!(a.message, b.message);
                assert_eq!(b.field.as_deref(), Some("publicKey"));
            }
            imported
        }
    }
}

fn field(slot: Slot) -> &'static str {
    match slot {
        Slot::Private => "privateKey",
        Slot::Public => "gatewayPublicKey",
    }
}

/// Key text in a message: the marker, or any 12 characters in a row of the message that only use the
/// base64 alphabet and also occur in the key text. Searching from the short message's side keeps
/// this cheap for the 10 MB inputs.
fn assert_quotes_no_key_text(shown: &str, text: &str, name: &str) {
    assert!(
        !shown.contains(MARKER),
        "{name}: the marker leaked: {shown}"
    );
    let is_base64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    for window in shown
        .as_bytes()
        .windows(12)
        .filter(|w| w.iter().all(is_base64))
    {
        let window = std::str::from_utf8(window).unwrap();
        assert!(
            !text.contains(window),
            "{name}: key text {window} leaked: {shown}"
        );
    }
}

fn assert_refused(r: &Refusal) {
    let e = import(r.slot, &r.text).expect_err(r.name);
    assert_eq!(e.code, ErrorCode::KeyInvalid, "{}: {}", r.name, e.message);
    assert_eq!(e.field.as_deref(), Some(field(r.slot)), "{}", r.name);
    for words in r.says {
        assert!(
            e.message.contains(words),
            "{}: expected {words:?} in: {}",
            r.name,
            e.message
        );
    }
}

#[test]
fn an_rsa_pss_spki_is_refused_as_not_a_pkcs1_v1_5_key() {
    for name in [
        "RSA-PSS SPKI",
        "RSA-PSS SPKI, bare base64",
        "RSA-PSS SPKI with PSS parameters",
    ] {
        assert_refused(&case(name));
    }
}

#[test]
fn an_rsa_pss_pkcs8_private_key_is_refused_as_not_a_pkcs1_v1_5_key() {
    for name in [
        "RSA-PSS PKCS#8",
        "RSA-PSS PKCS#8, bare base64",
        "RSA-PSS PKCS#8 with PSS parameters",
    ] {
        assert_refused(&case(name));
    }
}

#[test]
fn rsa_encryption_keys_need_null_parameters() {
    for name in [
        "rsaEncryption SPKI without parameters",
        "rsaEncryption SPKI with INTEGER parameters",
        "rsaEncryption PKCS#8 without parameters",
    ] {
        assert_refused(&case(name));
    }
    // The fixtures carry NULL, as openssl writes it: accepted.
    let null = AnyRef::from(Null);
    let public = der(&fixture("merchant_test_key.pub.pem"));
    assert_eq!(with_rsa_parameters(&public, Some(null)), public);
    PublicKey::import(&fixture("merchant_test_key.pub.pem"), "gatewayPublicKey").unwrap();
}

#[test]
fn pem_begin_and_end_labels_must_match() {
    assert_refused(&case("BEGIN PUBLIC KEY, END RSA PUBLIC KEY"));
    assert_refused(&case("BEGIN RSA PRIVATE KEY, END PRIVATE KEY"));
}

#[test]
fn the_pem_label_must_say_what_the_der_inside_is() {
    for name in [
        "PUBLIC KEY label on PKCS#1 DER",
        "RSA PUBLIC KEY label on SPKI DER",
        "PRIVATE KEY label on PKCS#1 DER",
        "RSA PRIVATE KEY label on PKCS#8 DER",
        "PUBLIC KEY label on nothing",
    ] {
        assert_refused(&case(name));
    }
}

#[test]
fn a_pem_label_must_fit_the_slot() {
    for name in [
        "certificate as the public key",
        "certificate as the private key",
        "unknown label with a marker",
        "unknown label in the public slot",
        "EC PRIVATE KEY label",
        "a PEM header line",
    ] {
        assert_refused(&case(name));
    }
}

#[test]
fn an_encrypted_private_key_is_refused_with_advice_to_decrypt_it() {
    assert_refused(&case("ENCRYPTED PRIVATE KEY"));
    assert_refused(&case("legacy encrypted RSA PRIVATE KEY"));
}

#[test]
fn a_key_in_the_wrong_slot_is_named_as_such_in_every_format() {
    for r in refusals().iter().filter(|r| r.name.contains(" as the ")) {
        assert_refused(r);
    }
}

#[test]
fn text_around_the_pem_block_is_refused() {
    assert_refused(&case("text before the block"));
    assert_refused(&case("text after the block"));
}

#[test]
fn a_second_pem_block_is_refused() {
    for name in [
        "a second block",
        "a public key after the private one",
        "a second block in the public slot",
        "a BEGIN line inside the block",
        "END without BEGIN",
    ] {
        assert_refused(&case(name));
    }
}

#[test]
fn whitespace_around_one_block_bare_base64_and_crlf_are_accepted() {
    let private = fixture("merchant_test_key.pem");
    let private_pkcs1 = fixture("merchant_test_key.pkcs1.pem");
    let bare = one_line(&private);
    let crlf = |t: &str| t.replace('\n', "\r\n");
    for text in [
        private.clone(),
        format!("\n\n   {private}\t\n  "),
        format!("\u{feff}{private}"),
        format!("\u{feff}{bare}"),
        crlf(&private),
        crlf(&private_pkcs1),
        private.replace('\n', " "),
        private.replace('\n', ""),
        bare.clone(),
        format!("  {bare}\r\n"),
        crlf(
            &private
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        one_line(&private_pkcs1),
    ] {
        PrivateKey::import(&text, "privateKey").unwrap_or_else(|e| panic!("{e:?} for {text:?}"));
    }
    let public = fixture("merchant_test_key.pub.pem");
    for text in [
        public.clone(),
        crlf(&public),
        format!("\r\n{}\r\n", fixture("merchant_test_key.pub.pkcs1.pem")),
        one_line(&public),
        one_line(&fixture("merchant_test_key.pub.pkcs1.pem")),
    ] {
        PublicKey::import(&text, "gatewayPublicKey")
            .unwrap_or_else(|e| panic!("{e:?} for {text:?}"));
    }
    // The upper bound is inclusive: openssl's 4096-bit keys still import.
    PrivateKey::import(&fixture("merchant_4096_test_key.pem"), "privateKey").unwrap();
    PublicKey::import(
        &fixture("merchant_4096_test_key.pub.pem"),
        "gatewayPublicKey",
    )
    .unwrap();
}

/// Key text is base64 once every Unicode whitespace character is taken out, held to the standard
/// alphabet and canonical padding: the base64 crate's `STANDARD` engine over the text without its
/// whitespace is the oracle, for keys whose base64 ends with and without padding, edited in the
/// ways pasted text goes wrong (an edit that decodes to other bytes is judged by those bytes).
#[test]
fn key_base64_is_read_as_the_standard_engine_reads_it_without_whitespace() {
    let mut endings = Vec::new();
    for (file, label, slot) in [
        ("merchant_test_key.pub.pem", "PUBLIC KEY", Slot::Public),
        ("merchant_test_key.pem", "PRIVATE KEY", Slot::Private),
    ] {
        let import = |text: &str| import(slot, text);
        let key = der(&fixture(file));
        let text = STANDARD.encode(&key);
        endings.push(text.len() - text.trim_end_matches('=').len());
        let (cut, end) = (text.len() / 2, text.len() - 2);
        let mut edits = vec![
            text.clone(),
            text.replace('=', ""),
            format!("{text}="),
            format!("{text}===="),
            format!("{}==", &text[..end]),
            format!("{}A=", &text[..end]),
            format!("{}B=", &text[..end]),
            format!("{}=A", &text[..end]),
            format!("{}=={}", &text[..cut], &text[cut..]),
            format!("{}{}", &text[..cut], &text[cut + 1..]),
            text.replace('+', "-").replace('/', "_"),
        ];
        for inserted in [
            "\u{a0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{b}", "\u{c}", "\u{200b}", "\u{e9}",
            "\u{ff}", "\u{100}", "*", ".", "\0",
        ] {
            edits.push(format!("{}{inserted}{}", &text[..cut], &text[cut..]));
        }
        for edited in edits {
            let compact: String = edited.chars().filter(|c| !c.is_whitespace()).collect();
            // What the text decodes to, if anything, is a key exactly when its own base64 is.
            let accepted = STANDARD
                .decode(compact)
                .is_ok_and(|bytes| import(&STANDARD.encode(bytes)).is_ok());
            let found = import(&edited);
            assert_eq!(found.is_ok(), accepted, "{edited:?}: {found:?}");
            if let Err(e) = found {
                assert_eq!(e.code, ErrorCode::KeyInvalid);
            }
            let pem = format!("-----BEGIN {label}-----\n{edited}\n-----END {label}-----\n");
            assert_eq!(import(&pem).is_ok(), accepted, "{edited:?} as PEM");
        }
    }
    endings.sort_unstable();
    assert_eq!(endings, [0, 1], "keys ending without and with padding");
}

#[test]
fn a_modulus_outside_2048_to_4096_bits_is_refused_with_its_size() {
    for name in [
        "4104-bit PKCS#8",
        "4104-bit PKCS#1 private",
        "4104-bit SPKI",
        "8200-bit SPKI",
        "8200-bit PKCS#1 public",
        "512-bit PKCS#1 public",
        "1024-bit PKCS#8",
    ] {
        assert_refused(&case(name));
    }
}

// ---- Huge inputs: refused at once, without copying them --------------------------------------

/// Records the largest single allocation made on this thread since `reset_largest_allocation`.
struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation(size: usize) {
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

#[test]
fn huge_inputs_are_refused_at_once_without_large_allocations() {
    for name in ["10 MB of base64", "10 MB of PEM", "DER claiming 2 GiB"] {
        let r = case(name);
        LARGEST.with(|l| l.set(0));
        let started = Instant::now();
        let e = import(r.slot, &r.text).expect_err(name);
        let elapsed = started.elapsed();
        let largest = LARGEST.with(|l| l.get());
        assert!(
            elapsed < Duration::from_millis(100),
            "{name}: took {elapsed:?}"
        );
        assert!(
            largest < 16 << 10,
            "{name}: allocated {largest} bytes at once: {}",
            e.message
        );
        assert_refused(&r);
    }
}

// ---- No key text in any refusal ----------------------------------------------------------------

#[test]
fn no_refusal_quotes_the_key_text() {
    let all = refusals();
    assert!(all.len() >= 50, "only {} refusals", all.len());
    for r in &all {
        assert_refused(r);
        let e = import(r.slot, &r.text).unwrap_err();
        for shown in [e.message.clone(), format!("{e}"), format!("{e:?}")] {
            assert_quotes_no_key_text(&shown, &r.text, r.name);
        }
    }
}

/// A private key whose first prime has one bit changed: still well-formed DER, but `p·q` is no
/// longer its modulus.
fn key_with_a_wrong_prime() -> String {
    let mut pkcs8 = der(&fixture("merchant_test_key.pem"));
    let info = PrivateKeyInfoRef::from_der(&pkcs8).unwrap();
    let pkcs1 = info.private_key.as_bytes();
    let numbers = rsa::pkcs1::RsaPrivateKeyRef::from_der(pkcs1).unwrap();
    let prime = numbers.prime1.as_bytes();
    // The prime's last byte, as an offset into the whole DER (the slices borrow from it).
    let at = prime.as_ptr() as usize + prime.len() - 1 - pkcs8.as_ptr() as usize;
    pkcs8[at] ^= 0x02;
    pem("PRIVATE KEY", &pkcs8)
}

#[test]
fn a_private_key_whose_primes_do_not_make_its_modulus_is_refused_when_a_provider_takes_it() {
    use refundkit::{CryptoProvider, RustCrypto};
    // Import reads the format; whether the numbers fit is the provider's check.
    let key = PrivateKey::import(&key_with_a_wrong_prime(), "privateKey").unwrap();
    let e = RustCrypto.signer(key).unwrap_err();
    assert_eq!(e.code, ErrorCode::KeyInvalid);
    assert_eq!(e.field.as_deref(), Some("privateKey"));
    assert!(
        e.message.contains("numbers do not fit together"),
        "{}",
        e.message
    );
    let good = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    RustCrypto.signer(good).unwrap();
}

// ---- The DER read and written, against openssl and node:crypto --------------------------------

/// Keys kept in all four formats (`.pem` PKCS#8, `.pkcs1.pem`, `.pub.pem` SPKI, `.pub.pkcs1.pem`):
/// the merchant key written by openssl, and a 3072-bit key generated and exported by node:crypto
/// (`generateKeyPairSync('rsa', { modulusLength: 3072 })`, then `export({ type, format: 'pem' })`
/// with each of `pkcs8`, `pkcs1`, `spki`).
const KEY_SETS: [&str; 2] = ["merchant_test_key", "node_3072_test_key"];

/// Private keys beside those, each with something the writer must get right: a 4096-bit modulus, a
/// modulus that is not a whole number of 32-bit words, and the exponent 0x80000001, whose INTEGER
/// needs a 0x00 before it (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_pubexp:2147483649`,
/// its public key by `openssl rsa -RSAPublicKey_out`).
const OTHER_PRIVATE_KEYS: [&str; 4] = [
    "gateway_test_key.pem",
    "merchant_4096_test_key.pem",
    "odd_2056_test_key.pem",
    "big_exponent_test_key.pem",
];

/// What openssl writes for a key file: `openssl args -in FILE -outform DER`.
fn openssl_der(args: &[&str], file: &str) -> Vec<u8> {
    let path = fixture_path(file);
    let mut all = args.to_vec();
    all.extend(["-in", path.as_str(), "-outform", "DER"]);
    let (ok, out) = openssl::run(&all, b"");
    assert!(ok, "openssl {args:?} refused {file}");
    out
}

/// The SPKI openssl writes for the public half of a PKCS#8 or PKCS#1 private key file.
fn openssl_spki(private_key_file: &str) -> Vec<u8> {
    openssl_der(&["pkey", "-pubout"], private_key_file)
}

/// The fingerprint as openssl computes it: the hex SHA-256 of those bytes.
fn openssl_sha256(bytes: &[u8]) -> String {
    let (ok, out) = openssl::run(&["dgst", "-sha256", "-r"], bytes);
    assert!(ok, "openssl dgst failed");
    String::from_utf8(out).unwrap()[..64].to_string()
}

/// A PEM file as it is, and as one line of base64 DER.
fn as_pem_and_bare(file: &str) -> [String; 2] {
    let text = fixture(file);
    let bare = one_line(&text);
    [text, bare]
}

#[test]
fn every_format_of_a_key_from_openssl_or_node_imports_to_the_public_key_openssl_reads() {
    for set in KEY_SETS {
        let expected = openssl_spki(&format!("{set}.pem"));
        let fingerprint = openssl_sha256(&expected);
        // node:crypto's SPKI export of its key (and openssl's of the merchant key) is those bytes.
        assert_eq!(der(&fixture(&format!("{set}.pub.pem"))), expected, "{set}");
        for file in [format!("{set}.pem"), format!("{set}.pkcs1.pem")] {
            for text in as_pem_and_bare(&file) {
                let key = PrivateKey::import(&text, "privateKey").unwrap();
                assert_eq!(key.public_key().spki_der(), expected, "{file}");
                assert_eq!(key.public_key().fingerprint(), fingerprint, "{file}");
            }
        }
        for file in [format!("{set}.pub.pem"), format!("{set}.pub.pkcs1.pem")] {
            for text in as_pem_and_bare(&file) {
                let key = PublicKey::import(&text, "gatewayPublicKey").unwrap();
                assert_eq!(key.spki_der(), expected, "{file}");
                assert_eq!(key_fingerprint(&text).unwrap(), fingerprint, "{file}");
            }
        }
    }
}

#[test]
fn the_spki_written_is_byte_for_byte_what_openssl_writes() {
    for file in OTHER_PRIVATE_KEYS {
        let expected = openssl_spki(file);
        let key = PrivateKey::import(&fixture(file), "privateKey").unwrap();
        assert_eq!(key.public_key().spki_der(), expected, "{file}");
    }
    // The PKCS#1 public key of the 0x80000001 exponent, which carries the 0x00 itself.
    let public = PublicKey::import(
        &fixture("big_exponent_test_key.pub.pkcs1.pem"),
        "gatewayPublicKey",
    )
    .unwrap();
    assert_eq!(
        public.spki_der(),
        openssl_der(
            &["rsa", "-RSAPublicKey_in", "-pubout"],
            "big_exponent_test_key.pub.pkcs1.pem"
        )
    );
}

/// The PKCS#8 handed to node:crypto and WebCrypto is the one openssl writes from the PKCS#1 key
/// (`openssl pkcs8 -topk8 -nocrypt`), and, for node:crypto's key, the one node:crypto exports.
#[cfg(feature = "hazmat")]
#[test]
fn the_pkcs8_handed_to_providers_is_byte_for_byte_what_openssl_and_node_write() {
    use refundkit::hazmat::pkcs8_der;
    let topk8 = |file: &str| openssl_der(&["pkcs8", "-topk8", "-nocrypt"], file);
    for set in KEY_SETS {
        let expected = topk8(&format!("{set}.pkcs1.pem"));
        assert_eq!(der(&fixture(&format!("{set}.pem"))), expected, "{set}");
        for file in [format!("{set}.pem"), format!("{set}.pkcs1.pem")] {
            for text in as_pem_and_bare(&file) {
                let key = PrivateKey::import(&text, "privateKey").unwrap();
                assert_eq!(pkcs8_der(&key), expected, "{file}");
            }
        }
    }
    for file in OTHER_PRIVATE_KEYS {
        let key = PrivateKey::import(&fixture(file), "privateKey").unwrap();
        assert_eq!(pkcs8_der(&key), topk8(file), "{file}");
    }
}

// ---- Malformed DER -----------------------------------------------------------------------------

/// DER of `tag` around `content`, the length in the fewest bytes: the tests' own writer, so each
/// malformed case below differs from a real key only where it says.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = content.len();
    match length {
        0..=0x7f => out.push(length as u8),
        0x80..=0xff => out.extend([0x81, length as u8]),
        _ => out.extend([0x82, (length >> 8) as u8, length as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &elements.concat())
}

/// The content of a DER element whose length takes at most two bytes (every fixture's does).
fn content_of(element: &[u8]) -> &[u8] {
    match element[1] {
        short @ 0..=0x7f => &element[2..2 + short as usize],
        0x81 => &element[3..3 + element[2] as usize],
        0x82 => &element[4..4 + ((element[2] as usize) << 8 | element[3] as usize)],
        _ => panic!("a length in more than two bytes: no fixture has one"),
    }
}

/// The elements inside a SEQUENCE, each with its tag and length.
fn elements_of(der: &[u8]) -> Vec<Vec<u8>> {
    let mut rest = content_of(der);
    let mut elements = Vec::new();
    while !rest.is_empty() {
        let content = content_of(rest);
        let end = content.as_ptr() as usize + content.len() - rest.as_ptr() as usize;
        elements.push(rest[..end].to_vec());
        rest = &rest[end..];
    }
    elements
}

/// The parts of the merchant key the malformed cases are built from.
struct MerchantKey {
    /// RSAPrivateKey: version, modulus, publicExponent, privateExponent, prime1, prime2, exponent1,
    /// exponent2, coefficient.
    private: Vec<Vec<u8>>,
    /// RSAPublicKey: modulus, publicExponent.
    public: Vec<Vec<u8>>,
    /// `AlgorithmIdentifier { rsaEncryption, NULL }`.
    algorithm: Vec<u8>,
}

impl MerchantKey {
    fn new() -> MerchantKey {
        let spki = der(&fixture("merchant_test_key.pub.pem"));
        MerchantKey {
            private: elements_of(&der(&fixture("merchant_test_key.pkcs1.pem"))),
            public: elements_of(&der(&fixture("merchant_test_key.pub.pkcs1.pem"))),
            algorithm: elements_of(&spki)[0].clone(),
        }
    }

    fn pkcs1_private(&self) -> Vec<u8> {
        tlv(0x30, &self.private.concat())
    }

    /// RSAPrivateKey with element `at` replaced.
    fn pkcs1_private_with(&self, at: usize, element: &[u8]) -> Vec<u8> {
        let mut elements = self.private.clone();
        elements[at] = element.to_vec();
        tlv(0x30, &elements.concat())
    }

    fn pkcs1_public(&self) -> Vec<u8> {
        tlv(0x30, &self.public.concat())
    }

    /// OneAsymmetricKey's `publicKey [1]`: the RSAPublicKey as the content of a BIT STRING.
    fn public_key_field(&self) -> Vec<u8> {
        tlv(0x81, &[&[0], self.pkcs1_public().as_slice()].concat())
    }

    /// The algorithm identifier with `oid` (content octets) and `parameters` (whole elements).
    fn algorithm_with(oid: &[u8], parameters: &[u8]) -> Vec<u8> {
        sequence(&[&tlv(0x06, oid), parameters])
    }

    /// An INTEGER element without the 0x00 that keeps its first byte positive.
    fn negative(integer: &[u8]) -> Vec<u8> {
        let magnitude = content_of(integer);
        assert_eq!(magnitude[0], 0, "the number has no sign byte to take away");
        tlv(0x02, &magnitude[1..])
    }

    /// An INTEGER element with one redundant 0x00 in front.
    fn padded(integer: &[u8]) -> Vec<u8> {
        tlv(0x02, &[&[0], content_of(integer)].concat())
    }
}

/// SPKI of an algorithm identifier and an RSAPublicKey.
fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    sequence(&[algorithm, &tlv(0x03, &[&[0], key].concat())])
}

/// PKCS#8 of a version, an algorithm identifier and an RSAPrivateKey.
fn pkcs8(version: u8, algorithm: &[u8], private_key: &[u8]) -> Vec<u8> {
    sequence(&[&[0x02, 1, version], algorithm, &tlv(0x04, private_key)])
}

/// PKCS#8 `attributes [0]` holding a PKCS#9 friendlyName, as PKCS#12 tools write one.
fn attributes() -> Vec<u8> {
    let friendly_name = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x14];
    tlv(
        0xa0,
        &sequence(&[
            &tlv(0x06, &friendly_name),
            &tlv(0x31, &tlv(0x1e, &[0, b'k'])),
        ]),
    )
}

const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const NOT_ONE: &str = "the data is not one";

/// Each malformed encoding: its name, the slot, the DER and words its refusal must hold (given as
/// bare base64: a PEM label would change the message, not the verdict).
fn malformed_der() -> Vec<(&'static str, Slot, Vec<u8>, &'static str)> {
    use Slot::{Private, Public};
    let key = MerchantKey::new();
    let (modulus, exponent) = (&key.public[0], &key.public[1]);
    let public = key.pkcs1_public();
    let public_content = content_of(&public);
    let private = key.pkcs1_private();
    let length = public_content.len();
    let (high, low) = ((length >> 8) as u8, length as u8);
    let mut md2_with_rsa = RSA_ENCRYPTION;
    md2_with_rsa[8] = 2;
    vec![
        // Lengths: the short form where it fits, the fewest bytes otherwise, never indefinite, never
        // past the end.
        (
            "the exponent's length in the long form",
            Public,
            sequence(&[modulus, &[0x02, 0x81, 0x03, 0x01, 0x00, 0x01]]),
            NOT_ONE,
        ),
        (
            "a length with a leading zero byte",
            Public,
            [&[0x30, 0x83, 0x00, high, low], public_content].concat(),
            NOT_ONE,
        ),
        (
            "a length in five bytes",
            Public,
            [&[0x30, 0x85, 0, 0, 0, high, low], public_content].concat(),
            NOT_ONE,
        ),
        (
            "an indefinite length",
            Public,
            [&[0x30, 0x80], public_content, &[0, 0]].concat(),
            NOT_ONE,
        ),
        (
            "the SEQUENCE's length past the end",
            Public,
            [&[0x30, 0x82, high, low + 1], public_content].concat(),
            NOT_ONE,
        ),
        (
            "the modulus's length past the end of the SEQUENCE",
            Public,
            sequence(&[&modulus[..3], &[modulus[3] + 8], &modulus[4..], exponent]),
            NOT_ONE,
        ),
        // Nothing left over, at any level.
        (
            "an element after the exponent",
            Public,
            sequence(&[modulus, exponent, &[0x05, 0x00]]),
            NOT_ONE,
        ),
        (
            "a byte after the SEQUENCE",
            Public,
            [public.as_slice(), &[0]].concat(),
            NOT_ONE,
        ),
        (
            "a byte after the PKCS#1 key inside the SPKI's BIT STRING",
            Public,
            spki(&key.algorithm, &[public.as_slice(), &[0]].concat()),
            NOT_ONE,
        ),
        (
            "an element after the NULL parameters",
            Public,
            spki(
                &MerchantKey::algorithm_with(&RSA_ENCRYPTION, &[0x05, 0x00, 0x05, 0x00]),
                &public,
            ),
            NOT_ONE,
        ),
        (
            "an element after the SPKI's BIT STRING",
            Public,
            [&spki(&key.algorithm, &public)[..], &[0x05, 0x00]].concat(),
            NOT_ONE,
        ),
        (
            "a byte after the RSAPrivateKey inside the PKCS#8 OCTET STRING",
            Private,
            pkcs8(0, &key.algorithm, &[private.as_slice(), &[0]].concat()),
            NOT_ONE,
        ),
        (
            "an element after the PKCS#8 private key",
            Private,
            sequence(&[
                &[0x02, 1, 0],
                &key.algorithm,
                &tlv(0x04, &private),
                &[0x05, 0x00],
            ]),
            NOT_ONE,
        ),
        (
            "an element after the coefficient",
            Private,
            tlv(0x30, &[key.private.concat(), vec![0x05, 0x00]].concat()),
            NOT_ONE,
        ),
        // INTEGERs: minimal, and the key's numbers not negative.
        (
            "a negative modulus",
            Public,
            sequence(&[&MerchantKey::negative(modulus), exponent]),
            NOT_ONE,
        ),
        (
            "a negative modulus in a private key",
            Private,
            key.pkcs1_private_with(1, &MerchantKey::negative(&key.private[1])),
            NOT_ONE,
        ),
        (
            "a negative prime",
            Private,
            key.pkcs1_private_with(4, &MerchantKey::negative(&key.private[4])),
            NOT_ONE,
        ),
        (
            "a modulus with a redundant 0x00",
            Public,
            sequence(&[&MerchantKey::padded(modulus), exponent]),
            NOT_ONE,
        ),
        (
            "an exponent with a redundant 0x00",
            Public,
            sequence(&[modulus, &MerchantKey::padded(exponent)]),
            NOT_ONE,
        ),
        (
            "a coefficient with a redundant 0x00",
            Private,
            key.pkcs1_private_with(8, &MerchantKey::padded(&key.private[8])),
            NOT_ONE,
        ),
        (
            "a version of 0x00 0x00",
            Private,
            key.pkcs1_private_with(0, &[0x02, 2, 0, 0]),
            NOT_ONE,
        ),
        (
            "an empty INTEGER",
            Public,
            sequence(&[modulus, &[0x02, 0x00]]),
            NOT_ONE,
        ),
        // Tags.
        (
            "a SET for the SEQUENCE",
            Public,
            tlv(0x31, public_content),
            NOT_ONE,
        ),
        (
            "an OCTET STRING for the exponent",
            Public,
            sequence(&[modulus, &tlv(0x04, content_of(exponent))]),
            NOT_ONE,
        ),
        (
            "an OCTET STRING for the SPKI's BIT STRING",
            Public,
            sequence(&[&key.algorithm, &tlv(0x04, &public)]),
            NOT_ONE,
        ),
        (
            "a BIT STRING for the PKCS#8 OCTET STRING",
            Private,
            sequence(&[
                &[0x02, 1, 0],
                &key.algorithm,
                &tlv(0x03, &[&[0], private.as_slice()].concat()),
            ]),
            NOT_ONE,
        ),
        (
            "a BIT STRING with unused bits",
            Public,
            sequence(&[
                &key.algorithm,
                &tlv(0x03, &[&[1], public.as_slice()].concat()),
            ]),
            NOT_ONE,
        ),
        // The algorithm.
        (
            "md2WithRSAEncryption in an SPKI",
            Public,
            spki(
                &MerchantKey::algorithm_with(&md2_with_rsa, &[0x05, 0x00]),
                &public,
            ),
            "this is a key of algorithm 1.2.840.113549.1.1.2",
        ),
        (
            "md2WithRSAEncryption in a PKCS#8 key",
            Private,
            pkcs8(
                0,
                &MerchantKey::algorithm_with(&md2_with_rsa, &[0x05, 0x00]),
                &private,
            ),
            "this is a key of algorithm 1.2.840.113549.1.1.2",
        ),
        (
            "an OID with a redundant 0x80",
            Public,
            spki(
                &MerchantKey::algorithm_with(
                    &[&RSA_ENCRYPTION[..8], &[0x80, 0x01]].concat(),
                    &[0x05, 0x00],
                ),
                &public,
            ),
            NOT_ONE,
        ),
        (
            "an OID cut off inside an arc",
            Public,
            spki(
                &MerchantKey::algorithm_with(&RSA_ENCRYPTION[..5], &[0x05, 0x00]),
                &public,
            ),
            NOT_ONE,
        ),
        (
            "an OID under 2 with a second arc over 39 (2.999.3)",
            Public,
            spki(
                &MerchantKey::algorithm_with(&[0x88, 0x37, 0x03], &[0x05, 0x00]),
                &public,
            ),
            "this is a key of algorithm 2.999.3",
        ),
        (
            "NULL parameters with content",
            Public,
            spki(
                &MerchantKey::algorithm_with(&RSA_ENCRYPTION, &[0x05, 0x01, 0x00]),
                &public,
            ),
            "are not NULL",
        ),
        (
            "absent parameters",
            Public,
            spki(&MerchantKey::algorithm_with(&RSA_ENCRYPTION, &[]), &public),
            "are absent",
        ),
        // Versions.
        (
            "PKCS#1 version 1 without other primes",
            Private,
            key.pkcs1_private_with(0, &[0x02, 1, 1]),
            NOT_ONE,
        ),
        (
            "PKCS#1 version 2",
            Private,
            key.pkcs1_private_with(0, &[0x02, 1, 2]),
            NOT_ONE,
        ),
        (
            "PKCS#1 version 0 with other primes",
            Private,
            tlv(
                0x30,
                &[
                    key.private.concat(),
                    sequence(&[&sequence(&[&[2, 1, 3], &[2, 1, 5], &[2, 1, 7]])]),
                ]
                .concat(),
            ),
            NOT_ONE,
        ),
        (
            "PKCS#1 version 1 with an empty list of other primes",
            Private,
            tlv(
                0x30,
                &[&[0x02, 1, 1][..], &key.private[1..].concat(), &[0x30, 0]].concat(),
            ),
            NOT_ONE,
        ),
        (
            "PKCS#8 version 1 without the public key",
            Private,
            pkcs8(1, &key.algorithm, &private),
            NOT_ONE,
        ),
        (
            "PKCS#8 version 0 with a public key",
            Private,
            sequence(&[
                &[0x02, 1, 0],
                &key.algorithm,
                &tlv(0x04, &private),
                &key.public_key_field(),
            ]),
            NOT_ONE,
        ),
        (
            "PKCS#8 with a field after the public key",
            Private,
            sequence(&[
                &[0x02, 1, 1],
                &key.algorithm,
                &tlv(0x04, &private),
                &key.public_key_field(),
                &[0xa2, 0x02, 0x05, 0x00],
            ]),
            NOT_ONE,
        ),
        (
            "PKCS#8 with the public key before the attributes",
            Private,
            sequence(&[
                &[0x02, 1, 1],
                &key.algorithm,
                &tlv(0x04, &private),
                &key.public_key_field(),
                &attributes(),
            ]),
            NOT_ONE,
        ),
        (
            "PKCS#8 version 2",
            Private,
            pkcs8(2, &key.algorithm, &private),
            NOT_ONE,
        ),
    ]
}

#[test]
fn malformed_der_is_refused_with_key_invalid() {
    let cases = malformed_der();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    for (name, slot, encoded, says) in cases {
        let text = STANDARD.encode(&encoded);
        assert_refused(&Refusal {
            name,
            slot,
            text: text.clone(),
            says: &[],
        });
        let e = import(slot, &text).unwrap_err();
        assert!(e.message.contains(says), "{name}: {}", e.message);
        assert_quotes_no_key_text(&e.message, &text, name);
        // Under the PEM label of the slot's usual format the verdict is the same.
        let label = match slot {
            Slot::Private => "PRIVATE KEY",
            Slot::Public => "PUBLIC KEY",
        };
        let e = import(slot, &pem(label, &encoded)).expect_err(name);
        assert_eq!(e.code, ErrorCode::KeyInvalid, "{name}");
    }
}

#[test]
fn the_malformed_cases_are_built_from_a_key_that_imports() {
    // The builders above, with nothing changed, give keys that import: each case's refusal is
    // about its one change.
    let key = MerchantKey::new();
    let public = key.pkcs1_public();
    for encoded in [public.clone(), spki(&key.algorithm, &public)] {
        PublicKey::import(&STANDARD.encode(encoded), "gatewayPublicKey").unwrap();
    }
    let private = key.pkcs1_private();
    for encoded in [private.clone(), pkcs8(0, &key.algorithm, &private)] {
        PrivateKey::import(&STANDARD.encode(encoded), "privateKey").unwrap();
    }
    let modulus = &key.public[0];
    PublicKey::import(
        &STANDARD.encode(sequence(&[modulus, &[0x02, 0x03, 0x01, 0x00, 0x01]])),
        "gatewayPublicKey",
    )
    .unwrap();
}

#[test]
fn a_multi_prime_key_from_openssl_is_refused_as_having_more_than_two_primes() {
    // openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_primes:3 (and openssl rsa -traditional):
    // PKCS#1 version 1 with otherPrimeInfos, well-formed, and not a key import takes.
    for file in ["multi_prime_test_key.pem", "multi_prime_test_key.pkcs1.pem"] {
        for text in as_pem_and_bare(file) {
            let e = PrivateKey::import(&text, "privateKey").unwrap_err();
            assert_eq!(e.code, ErrorCode::KeyInvalid, "{file}");
            assert!(
                e.message.contains("more than two primes"),
                "{file}: {}",
                e.message
            );
        }
    }
}

/// PKCS#8 version 1 (RFC 5958 OneAsymmetricKey) with attributes and the public key beside the
/// private one imports as the plain key: what is kept, and handed to providers, is the key alone.
#[test]
fn a_one_asymmetric_key_with_attributes_and_its_public_key_imports_as_the_plain_key() {
    let key = MerchantKey::new();
    let private = key.pkcs1_private();
    let attributes = attributes();
    let plain = PrivateKey::import(&fixture("merchant_test_key.pem"), "privateKey").unwrap();
    for encoded in [
        sequence(&[
            &[0x02, 1, 1],
            &key.algorithm,
            &tlv(0x04, &private),
            &attributes,
            &key.public_key_field(),
        ]),
        sequence(&[
            &[0x02, 1, 0],
            &key.algorithm,
            &tlv(0x04, &private),
            &attributes,
        ]),
    ] {
        let imported = PrivateKey::import(&pem("PRIVATE KEY", &encoded), "privateKey").unwrap();
        assert_eq!(
            imported.public_key().fingerprint(),
            plain.public_key().fingerprint()
        );
        #[cfg(feature = "hazmat")]
        assert_eq!(
            refundkit::hazmat::pkcs8_der(&imported),
            der(&fixture("merchant_test_key.pem"))
        );
    }
}

#[test]
fn a_key_cut_short_at_any_byte_is_refused_without_a_panic_or_a_large_allocation() {
    let files = [
        ("merchant_test_key.pem", "PRIVATE KEY", Slot::Private),
        (
            "merchant_test_key.pkcs1.pem",
            "RSA PRIVATE KEY",
            Slot::Private,
        ),
        ("merchant_test_key.pub.pem", "PUBLIC KEY", Slot::Public),
        (
            "merchant_test_key.pub.pkcs1.pem",
            "RSA PUBLIC KEY",
            Slot::Public,
        ),
    ];
    for (file, label, slot) in files {
        let whole = der(&fixture(file));
        for cut in 0..whole.len() {
            let part = &whole[..cut];
            for text in [STANDARD.encode(part), pem(label, part)] {
                LARGEST.with(|l| l.set(0));
                let e = import(slot, &text).expect_err(file);
                let largest = LARGEST.with(|l| l.get());
                assert_eq!(e.code, ErrorCode::KeyInvalid, "{file} cut at {cut}");
                assert!(
                    largest < 16 << 10,
                    "{file} cut at {cut}: allocated {largest} bytes at once"
                );
            }
        }
    }
}
