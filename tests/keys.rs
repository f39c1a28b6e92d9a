//! Strict key import: only rsaEncryption keys, PEM labels that match each other, the slot and the
//! DER inside, exactly one PEM block with nothing but whitespace around it, a modulus of 2048 to
//! 4096 bits, and huge inputs refused before any work proportional to their size. Every refusal is
//! KEY_INVALID on the slot's field and quotes none of the key text.
//!
//! The RSA-PSS keys, the encrypted keys, the certificate and the 4104-bit key are made by openssl
//! (tests/fixtures/README.md), so they do not depend on this crate's own encoder.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{fixture, one_line};
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
