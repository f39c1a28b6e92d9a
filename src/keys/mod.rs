//! RSA key import, fingerprints and key generation.
//!
//! Keys arrive as PEM or as bare base64 DER, with or without line breaks. Import is strict where a
//! lenient reading could pick a key other than the one meant: exactly one PEM block with only
//! whitespace around it; BEGIN and END labels that match each other, fit the slot and say what the
//! DER inside is; rsaEncryption keys only (an RSA-PSS key is not a PKCS#1 v1.5 key); a modulus of
//! 2048 to 4096 bits, checked before the rsa crate sees the numbers. Bare base64 is read by its
//! ASN.1 structure. Error messages say what was found and what to do, and never quote the key text.

mod base64_decode;
mod der;

use crate::bignum::{limbs_from_be, Modulus};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The smallest modulus accepted: 2048 bits, as every supported gateway requires.
pub const MIN_BITS: usize = 2048;
/// The largest modulus accepted: 4096 bits, the largest size the gateways recommend (BluePay) and
/// the test suite covers.
pub const MAX_BITS: usize = 4096;

/// The bounds of the public exponent, as the rsa crate sets them: 3 and above (odd), below 2^33.
const MIN_PUBLIC_EXPONENT: u64 = 3;
const MAX_PUBLIC_EXPONENT: u64 = (1 << 33) - 1;

/// A parsed RSA private key: its PKCS#8 DER, checked, and its public half. A crypto provider takes
/// it into its own form when a client is made (the rsa crate's numbers, a node:crypto `KeyObject`,
/// a WebCrypto `CryptoKey`), so import needs no RSA arithmetic of its own. Whether the numbers fit
/// together is the provider's check, made as it takes the key: the rsa crate and WebCrypto check
/// them on import, node:crypto by a first signature. The DER is wiped when the key is dropped, and
/// so are the rsa crate's numbers where that provider made them.
pub struct PrivateKey {
    pkcs8_der: Zeroizing<Vec<u8>>,
    public: PublicKey,
    #[cfg(feature = "rsa")]
    rsa: std::sync::OnceLock<rsa::RsaPrivateKey>,
}

/// A parsed RSA public key: its SPKI DER and the numbers signature checks need.
#[derive(Clone)]
pub struct PublicKey {
    spki_der: Vec<u8>,
    numbers: PublicNumbers,
}

/// The modulus and exponent, ready for verification: the Montgomery parameters of `n` are computed
/// once per key, not once per signature, and only where Rust verifies (a host's RSA never needs
/// them).
#[derive(Clone)]
pub(crate) struct PublicNumbers {
    /// `n`, big-endian, without leading zeros: odd, 2048 to 4096 bits.
    pub(crate) n: Vec<u8>,
    pub(crate) e: u64,
    modulus: std::sync::OnceLock<Option<Modulus>>,
    /// The modulus length in bytes (RFC 8017's k).
    pub(crate) size: usize,
}

impl PublicNumbers {
    /// Always `Some` for the odd moduli of 2048 bits and more that `from_numbers` admits.
    pub(crate) fn modulus(&self) -> Option<&Modulus> {
        self.modulus.get_or_init(|| Modulus::new(&self.n)).as_ref()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{}, redacted)", self.bits())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

impl PrivateKey {
    /// Imports a private key: PKCS#8 or PKCS#1, PEM or bare base64 DER. `field` names the config field
    /// in errors.
    pub fn import(text: &str, field: &str) -> crate::Result<PrivateKey> {
        let (encoding, der) = read_key(text, field, Slot::Private)?;
        let pkcs1_der = match encoding {
            Encoding::Pkcs8 => {
                let info =
                    der::private_key_info(&der).ok_or_else(|| Slot::Private.not_a_key(field))?;
                check_algorithm(&info.algorithm, Slot::Private, field)?;
                info.private_key
            }
            _ => &der[..],
        };
        let numbers =
            der::rsa_private_key(pkcs1_der).ok_or_else(|| Slot::Private.not_a_key(field))?;
        if numbers.more_than_two_primes {
            return Err(numbers_do_not_fit(field));
        }
        check_modulus(numbers.modulus, field)?;
        let public = PublicKey::from_numbers(numbers.modulus, numbers.public_exponent, field)?;
        Ok(PrivateKey {
            pkcs8_der: der::write_pkcs8(pkcs1_der),
            public,
            #[cfg(feature = "rsa")]
            rsa: std::sync::OnceLock::new(),
        })
    }

    pub fn bits(&self) -> usize {
        self.public.bits()
    }

    /// The rsa crate's key, made (and its numbers checked) on first use.
    #[cfg(feature = "rsa")]
    pub(crate) fn rsa(&self) -> crate::Result<&rsa::RsaPrivateKey> {
        use rsa::pkcs8::DecodePrivateKey;
        if let Some(key) = self.rsa.get() {
            return Ok(key);
        }
        let key = rsa::RsaPrivateKey::from_pkcs8_der(&self.pkcs8_der)
            .map_err(|_| numbers_do_not_fit("privateKey"))?;
        Ok(self.rsa.get_or_init(|| key))
    }

    /// Refuses a key whose primes do not make its modulus (`p·q = n`), for hosts that take the key
    /// without checking it at once.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn check_primes(&self) -> crate::Result<()> {
        if self.primes_make_modulus() {
            Ok(())
        } else {
            Err(numbers_do_not_fit("privateKey"))
        }
    }

    fn primes_make_modulus(&self) -> bool {
        let Some(numbers) = der::private_key_info(&self.pkcs8_der)
            .and_then(|info| der::rsa_private_key(info.private_key))
        else {
            return false;
        };
        let product = product_of(numbers.prime1, numbers.prime2);
        let n = numbers.modulus;
        // Both big-endian without leading zeros (DER integers, and the product trimmed below).
        let product = trim_leading_zeros(&product);
        product.len() == n.len() && bool::from(product.ct_eq(n))
    }

    /// PKCS#8 DER of this key (rsaEncryption, NULL parameters), for a provider's import.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8_der
    }

    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }
}

impl PublicKey {
    /// Imports a public key: SPKI or PKCS#1, PEM or bare base64 DER.
    pub fn import(text: &str, field: &str) -> crate::Result<PublicKey> {
        let (encoding, der) = read_key(text, field, Slot::Public)?;
        let pkcs1_der = match encoding {
            Encoding::Spki => {
                let spki = der::subject_public_key_info(&der)
                    .ok_or_else(|| Slot::Public.not_a_key(field))?;
                check_algorithm(&spki.algorithm, Slot::Public, field)?;
                spki.subject_public_key
                    .whole_bytes()
                    .ok_or_else(|| Slot::Public.not_a_key(field))?
            }
            _ => &der[..],
        };
        let numbers =
            der::rsa_public_key(pkcs1_der).ok_or_else(|| Slot::Public.not_a_key(field))?;
        check_modulus(numbers.modulus, field)?;
        PublicKey::from_numbers(numbers.modulus, numbers.public_exponent, field)
    }

    /// Checks the numbers (an odd modulus, an odd exponent in bounds and below the modulus) and
    /// writes the SPKI DER the fingerprint is taken over.
    fn from_numbers(modulus: &[u8], exponent: &[u8], field: &str) -> crate::Result<Self> {
        let invalid = || {
            crate::Error::key(
                field,
                "the RSA public key's numbers are not valid (an even modulus or an unusable exponent); ask for the key again",
            )
        };
        let n = modulus;
        let size = n.len();
        let e = exponent_value(exponent).ok_or_else(invalid)?;
        let modulus_odd = n.last().is_some_and(|low| low & 1 == 1);
        let exponent_ok = e & 1 == 1 && (MIN_PUBLIC_EXPONENT..=MAX_PUBLIC_EXPONENT).contains(&e);
        if !modulus_odd || !exponent_ok {
            return Err(invalid());
        }
        Ok(PublicKey {
            spki_der: der::write_spki(modulus, exponent),
            numbers: PublicNumbers {
                n: n.to_vec(),
                e,
                modulus: std::sync::OnceLock::new(),
                size,
            },
        })
    }

    pub fn bits(&self) -> usize {
        self.numbers.size * 8
    }

    pub(crate) fn numbers(&self) -> &PublicNumbers {
        &self.numbers
    }

    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// Lowercase hex SHA-256 of the SPKI DER: the fingerprint gateways show for uploaded keys.
    pub fn fingerprint(&self) -> String {
        hex(&Sha256::digest(&self.spki_der))
    }
}

/// `a·b` of two big-endian numbers, big-endian, by schoolbook multiplication on 32-bit limbs: a
/// fixed number of steps for numbers of a given length, so the time says nothing of the (secret)
/// primes, and every intermediate is wiped. Used once per key, where a Montgomery setup would cost
/// more than the whole product.
fn product_of(a: &[u8], b: &[u8]) -> Zeroizing<Vec<u8>> {
    let (a, b) = (
        Zeroizing::new(limbs_from_be(a)),
        Zeroizing::new(limbs_from_be(b)),
    );
    let mut product = Zeroizing::new(vec![0u64; a.len() + b.len()]);
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let sum = product[i + j] + u64::from(x) * u64::from(y) + carry;
            product[i + j] = sum & 0xffff_ffff;
            carry = sum >> 32;
        }
        product[i + b.len()] = carry;
    }
    // Written out with its size known: an iterator that collects the bytes compiles to several
    // times the code, all of it run by a fresh process's first client (docs/performance.md).
    let mut bytes = Zeroizing::new(Vec::with_capacity(product.len() * 4));
    for limb in product.iter().rev() {
        bytes.extend_from_slice(&(*limb as u32).to_be_bytes());
    }
    bytes
}

/// A public exponent as a number, where it fits in 64 bits.
fn exponent_value(be: &[u8]) -> Option<u64> {
    let be = trim_leading_zeros(be);
    (be.len() <= 8).then(|| be.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
}

fn trim_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

pub(crate) fn numbers_do_not_fit(field: &str) -> crate::Error {
    crate::Error::key(
        field,
        "the RSA private key's numbers do not fit together (or it has more than two primes); export the key again",
    )
}

/// A freshly generated key pair, as base64 DER (PKCS#8 and SPKI) and as PEM.
pub struct GeneratedKeyPair {
    pub private_key: Zeroizing<String>,
    pub public_key: String,
    pub private_key_pem: Zeroizing<String>,
    pub public_key_pem: String,
}

/// Checks a requested key size: 2048, 3072 or 4096 bits.
pub fn check_generated_bits(bits: usize) -> crate::Result<()> {
    if [2048, 3072, 4096].contains(&bits) {
        Ok(())
    } else {
        Err(crate::Error::input(
            "bits",
            "key size must be 2048, 3072 or 4096 bits",
        ))
    }
}

/// Generates an RSA key pair of 2048, 3072 or 4096 bits with the rsa crate: for native Rust
/// callers. The WebAssembly builds generate keys with the host's own RSA (node:crypto, WebCrypto).
#[cfg(all(feature = "rsa", not(target_arch = "wasm32")))]
pub fn generate_key_pair(bits: usize) -> crate::Result<GeneratedKeyPair> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
    check_generated_bits(bits)?;
    let mut rng = rsa::rand_core::UnwrapErr(getrandom::SysRng);
    let failed = || crate::Error::key("bits", "key generation failed");
    let key = rsa::RsaPrivateKey::new(&mut rng, bits).map_err(|_| failed())?;
    let pkcs8 = key.to_pkcs8_der().map_err(|_| failed())?;
    let spki = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| failed())?;
    Ok(key_pair_from_der(pkcs8.as_bytes(), spki.as_bytes()))
}

/// Encodes a key pair given as PKCS#8 and SPKI DER (from WebCrypto's export or our own generation).
pub fn key_pair_from_der(pkcs8: &[u8], spki: &[u8]) -> GeneratedKeyPair {
    let private_b64 = Zeroizing::new(STANDARD.encode(pkcs8));
    let public_b64 = STANDARD.encode(spki);
    GeneratedKeyPair {
        private_key_pem: Zeroizing::new(pem("PRIVATE KEY", &private_b64)),
        public_key_pem: pem("PUBLIC KEY", &public_b64),
        private_key: private_b64,
        public_key: public_b64,
    }
}

/// Lowercase hex SHA-256 of a public key's SPKI DER; the key may be given in any accepted format.
pub fn key_fingerprint(public_key: &str) -> crate::Result<String> {
    Ok(PublicKey::import(public_key, "publicKey")?.fingerprint())
}

/// The longest key text read. A 4096-bit PKCS#8 key is about 3.3 KB as PEM; refusing anything past
/// this before looking at it keeps a hostile input from costing more than its own size.
const MAX_KEY_TEXT_BYTES: usize = 64 << 10;

/// Algorithms a mistaken key commonly has, named in the refusal instead of a bare OID.
const OTHER_ALGORITHMS: [(&str, &str); 5] = [
    ("1.2.840.10045.2.1", "an EC key"),
    ("1.3.101.112", "an Ed25519 key"),
    ("1.3.101.113", "an Ed448 key"),
    ("1.3.101.110", "an X25519 key"),
    ("1.2.840.10040.4.1", "a DSA key"),
];

/// The four DER encodings a key may arrive in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Pkcs8,
    Pkcs1Private,
    Spki,
    Pkcs1Public,
}

impl Encoding {
    /// The PEM label of each encoding (RFC 7468 §10, §13; the RSA labels are OpenSSL's for PKCS#1).
    fn label(self) -> &'static str {
        match self {
            Encoding::Pkcs8 => "PRIVATE KEY",
            Encoding::Pkcs1Private => "RSA PRIVATE KEY",
            Encoding::Spki => "PUBLIC KEY",
            Encoding::Pkcs1Public => "RSA PUBLIC KEY",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Encoding::Pkcs8 => "a PKCS#8 private key",
            Encoding::Pkcs1Private => "a PKCS#1 RSA private key",
            Encoding::Spki => "an SPKI public key",
            Encoding::Pkcs1Public => "a PKCS#1 RSA public key",
        }
    }

    fn is_private(self) -> bool {
        matches!(self, Encoding::Pkcs8 | Encoding::Pkcs1Private)
    }

    fn from_label(label: &str) -> Option<Encoding> {
        [
            Encoding::Pkcs8,
            Encoding::Pkcs1Private,
            Encoding::Spki,
            Encoding::Pkcs1Public,
        ]
        .into_iter()
        .find(|e| e.label() == label)
    }

    /// What the DER is by its outer ASN.1 structure alone; the algorithm is checked later. The four
    /// structures cannot be mistaken for one another: their first elements differ in type or count.
    fn of_der(der: &[u8]) -> Option<Encoding> {
        if der::private_key_info(der).is_some() {
            Some(Encoding::Pkcs8)
        } else if der::rsa_private_key(der).is_some() {
            Some(Encoding::Pkcs1Private)
        } else if der::subject_public_key_info(der).is_some() {
            Some(Encoding::Spki)
        } else if der::rsa_public_key(der).is_some() {
            Some(Encoding::Pkcs1Public)
        } else {
            None
        }
    }
}

/// Where a key goes: the merchant's private key or a public key (the gateway's, or one to fingerprint).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Private,
    Public,
}

impl Slot {
    fn takes(self, encoding: Encoding) -> bool {
        encoding.is_private() == (self == Slot::Private)
    }

    fn key_kind(self) -> &'static str {
        match self {
            Slot::Private => "private",
            Slot::Public => "public",
        }
    }

    fn wrong_kind(self, field: &str) -> crate::Error {
        match self {
            Slot::Private => crate::Error::key(
                field,
                "a public key was given where the merchant's private key belongs",
            ),
            Slot::Public => crate::Error::key(
                field,
                "a private key was given where the gateway's public key belongs; never share a private key",
            ),
        }
    }

    fn not_a_key(self, field: &str) -> crate::Error {
        match self {
            Slot::Private => crate::Error::key(
                field,
                "expected an RSA private key in PKCS#8 or PKCS#1; the data is not one",
            ),
            Slot::Public => crate::Error::key(
                field,
                "expected an RSA public key in SPKI (X.509) or PKCS#1; the data is not one",
            ),
        }
    }

    fn labels(self) -> &'static str {
        match self {
            Slot::Private => {
                "-----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN RSA PRIVATE KEY----- (PKCS#1)"
            }
            Slot::Public => {
                "-----BEGIN PUBLIC KEY----- (SPKI) or -----BEGIN RSA PUBLIC KEY----- (PKCS#1)"
            }
        }
    }
}

/// The key's DER and its encoding, checked against the slot and, for PEM, against the label.
fn read_key(text: &str, field: &str, slot: Slot) -> crate::Result<(Encoding, Zeroizing<Vec<u8>>)> {
    check_text_length(text, field)?;
    // A byte-order mark is what some editors save before a key file's first line; it is not text
    // the caller meant, and it is invisible in the message that would refuse it.
    let text = text.trim().trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return Err(crate::Error::key(
            field,
            "expected an RSA key as PEM or base64 DER, got an empty string",
        ));
    }
    if !looks_like_pem(text) {
        let der = decode_base64(
            text,
            field,
            "expected an RSA key as PEM or base64 DER; the text is neither",
        )?;
        return match Encoding::of_der(&der) {
            Some(encoding) if slot.takes(encoding) => Ok((encoding, der)),
            Some(_) => Err(slot.wrong_kind(field)),
            None => Err(slot.not_a_key(field)),
        };
    }
    read_pem(text, field, slot)
}

/// The PEM road of [`read_key`], out of line: a client whose keys are bare base64 (and a fresh
/// process making one) never compiles it.
#[inline(never)]
fn read_pem(text: &str, field: &str, slot: Slot) -> crate::Result<(Encoding, Zeroizing<Vec<u8>>)> {
    let block = PemBlock::parse(text, field)?;
    let encoding = encoding_of_label(block.label, slot, field)?;
    refuse_pem_headers(block.body, field)?;
    let der = decode_base64(
        block.body,
        field,
        "the text inside the PEM block is not base64",
    )?;
    check_der_matches_label(&der, encoding, field)?;
    Ok((encoding, der))
}

fn check_text_length(text: &str, field: &str) -> crate::Result<()> {
    if text.len() > MAX_KEY_TEXT_BYTES {
        return Err(text_too_long(text.len(), field));
    }
    Ok(())
}

// Refusals that format text are written out of line here: a fresh process compiles each
// WebAssembly function whole the first time it runs, so formatting only a refusal needs would
// otherwise be compiled by every first client (docs/performance.md, the fresh-process figure).
#[cold]
#[inline(never)]
fn text_too_long(len: usize, field: &str) -> crate::Error {
    crate::Error::key(
        field,
        format!(
            "the key text is {len} bytes; an RSA key of up to {MAX_BITS} bits is under 4 KB as PEM, \
             so refundkit reads at most {MAX_KEY_TEXT_BYTES} bytes: give the key alone"
        ),
    )
}

fn looks_like_pem(text: &str) -> bool {
    contains(text, "-----BEGIN") || contains(text, "-----END")
}

/// Where `needle` first occurs in `text`, compared byte by byte. Every needle here is a few ASCII
/// characters in a text of a few KB, where a plain scan is fast enough; `str::find` with a string
/// pattern brings in the Two-Way searcher, which a fresh process would compile on its first client
/// (docs/performance.md, the fresh-process figure). A match of ASCII bytes always starts and ends
/// on character boundaries, so the index may slice `text`.
fn find(text: &str, needle: &str) -> Option<usize> {
    text.as_bytes()
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
}

fn contains(text: &str, needle: &str) -> bool {
    find(text, needle).is_some()
}

/// Base64 with any whitespace inside (RFC 7468 §3 lets PEM lines break anywhere; bare keys are pasted
/// with or without line breaks). The DER is secret for private keys, hence Zeroizing.
fn decode_base64(
    text: &str,
    field: &str,
    refusal: &'static str,
) -> crate::Result<Zeroizing<Vec<u8>>> {
    // Sized up front: growing the buffer would free partial copies of the key text unwiped. A
    // character yields at most one byte, and one outside ASCII, never base64, becomes a byte that
    // is not base64 either, so the decoder refuses it.
    let mut compact = Zeroizing::new(Vec::with_capacity(text.len()));
    compact.extend(
        text.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| u8::try_from(c).ok().filter(u8::is_ascii).unwrap_or(0xff)),
    );
    base64_decode::decode(&compact).ok_or_else(|| crate::Error::key(field, refusal))
}

/// One PEM block (RFC 7468 §2): the label and the text between the BEGIN and END lines. The text
/// given is trimmed; anything else before or after the block is refused, because a second key or a
/// stray line means the field holds something other than the one key the caller thinks it does.
struct PemBlock<'a> {
    label: &'a str,
    body: &'a str,
}

impl<'a> PemBlock<'a> {
    fn parse(text: &'a str, field: &str) -> crate::Result<PemBlock<'a>> {
        let Some(begin) = find(text, "-----BEGIN") else {
            return Err(crate::Error::key(
                field,
                "the text has an -----END line but no -----BEGIN line; paste the whole key, from its BEGIN line to its END line",
            ));
        };
        if begin > 0 {
            return Err(crate::Error::key(
                field,
                "there is text before the -----BEGIN line; remove everything outside the key's BEGIN and END lines",
            ));
        }
        let (label, rest) = boundary_label(&text["-----BEGIN".len()..], field)?;
        let end = find(rest, "-----END").ok_or_else(|| malformed_pem(field))?;
        let body = &rest[..end];
        if contains(body, "-----BEGIN") {
            return Err(crate::Error::key(
                field,
                "a second -----BEGIN line comes before the first block's -----END line; give one key per field, from its BEGIN line to its END line",
            ));
        }
        let (end_label, after) = boundary_label(&rest[end + "-----END".len()..], field)?;
        if end_label != label {
            return Err(labels_differ(label, end_label, field));
        }
        if contains(after, "-----BEGIN") {
            return Err(crate::Error::key(
                field,
                "a second PEM block follows the first; give one key per field",
            ));
        }
        if !after.trim().is_empty() {
            return Err(crate::Error::key(
                field,
                "there is text after the -----END line; remove everything outside the key's BEGIN and END lines",
            ));
        }
        Ok(PemBlock { label, body })
    }
}

/// Splits ` LABEL-----rest` after `-----BEGIN` or `-----END`. RFC 7468 §3: one space, then printable
/// characters, then five hyphens.
fn boundary_label<'a>(text: &'a str, field: &str) -> crate::Result<(&'a str, &'a str)> {
    let close = find(text, "-----").ok_or_else(|| malformed_pem(field))?;
    let label = text[..close]
        .strip_prefix(' ')
        .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
        .ok_or_else(|| {
            crate::Error::key(
                field,
                "a PEM BEGIN or END line is malformed; it must read -----BEGIN LABEL----- on a line of its own",
            )
        })?;
    Ok((label, &text[close + "-----".len()..]))
}

fn malformed_pem(field: &str) -> crate::Error {
    crate::Error::key(
        field,
        "the PEM text is incomplete: a BEGIN line needs a matching END line",
    )
}

/// Labels are quoted only when they are ones this module knows: an unknown label is the caller's
/// text and could be a piece of the key.
#[cold]
#[inline(never)]
fn labels_differ(begin: &str, end: &str, field: &str) -> crate::Error {
    let known = |label: &str| Encoding::from_label(label).is_some() || other_label(label).is_some();
    let message = if known(begin) && known(end) {
        format!(
            "the PEM labels differ: -----BEGIN {begin}----- but -----END {end}-----; the label must be the same at both ends and say what the key is"
        )
    } else {
        "the PEM labels on the -----BEGIN and -----END lines differ; the label must be the same at both ends and say what the key is".to_string()
    };
    crate::Error::key(field, message)
}

/// Labels of things that are not a key this slot takes, each refused with its own advice.
fn other_label(label: &str) -> Option<fn(Slot, &str) -> crate::Error> {
    Some(match label {
        "ENCRYPTED PRIVATE KEY" => |slot, field| match slot {
            Slot::Private => encrypted_key(field),
            Slot::Public => slot.wrong_kind(field),
        },
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => |slot, field| {
            match slot {
            Slot::Private => crate::Error::key(
                field,
                "a certificate was given where the merchant's private key belongs; a certificate holds only a public key",
            ),
            Slot::Public => crate::Error::key(
                field,
                "a certificate was given; refundkit takes the public key itself: export it with openssl x509 -in cert.pem -pubkey -noout",
            ),
        }
        },
        "RSA-PSS PRIVATE KEY" | "RSA-PSS PUBLIC KEY" => |slot, field| pss_key(slot, field),
        "EC PRIVATE KEY" | "DSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" => |slot, field| {
            match slot {
            Slot::Private => crate::Error::key(
                field,
                "an EC, DSA or OpenSSH private key was given; refundkit signs with RSA: give an RSA private key in PKCS#8 or PKCS#1",
            ),
            Slot::Public => slot.wrong_kind(field),
        }
        },
        _ => return None,
    })
}

/// The encoding a PEM label stands for, if the slot takes it.
fn encoding_of_label(label: &str, slot: Slot, field: &str) -> crate::Result<Encoding> {
    match Encoding::from_label(label) {
        Some(encoding) if slot.takes(encoding) => Ok(encoding),
        _ => Err(label_refusal(label, slot, field)),
    }
}

/// Why a PEM label is refused: a key of the other kind, something else this module knows, or a
/// label it does not know.
#[cold]
#[inline(never)]
fn label_refusal(label: &str, slot: Slot, field: &str) -> crate::Error {
    if Encoding::from_label(label).is_some() {
        return slot.wrong_kind(field);
    }
    if let Some(refusal) = other_label(label) {
        return refusal(slot, field);
    }
    let other_kind = match slot {
        Slot::Private => "PUBLIC KEY",
        Slot::Public => "PRIVATE KEY",
    };
    if label.ends_with(other_kind) {
        return slot.wrong_kind(field);
    }
    crate::Error::key(
        field,
        format!(
            "the PEM label is not one for an RSA {} key; expected {}",
            slot.key_kind(),
            slot.labels()
        ),
    )
}

/// RFC 7468 §2 has no headers; the only ones seen on keys are RFC 1421's, which mark a key encrypted
/// the legacy OpenSSL way (`Proc-Type: 4,ENCRYPTED`).
fn refuse_pem_headers(body: &str, field: &str) -> crate::Result<()> {
    if !body.contains(':') {
        return Ok(());
    }
    if contains(body, "Proc-Type") && contains(body, "ENCRYPTED") {
        return Err(encrypted_key(field));
    }
    Err(crate::Error::key(
        field,
        "the PEM block has header lines (Name: value); remove them and keep only the base64 lines",
    ))
}

fn encrypted_key(field: &str) -> crate::Error {
    crate::Error::key(
        field,
        "the private key is encrypted with a passphrase; decrypt it first: openssl pkey -in encrypted.pem -out key.pem",
    )
}

/// A label that does not say what the DER is would be read one way here and another way by the
/// next tool, so the two must agree.
fn check_der_matches_label(der: &[u8], labelled: Encoding, field: &str) -> crate::Result<()> {
    match Encoding::of_der(der) {
        Some(found) if found == labelled => Ok(()),
        found => Err(der_label_mismatch(found, labelled, field)),
    }
}

#[cold]
#[inline(never)]
fn der_label_mismatch(found: Option<Encoding>, labelled: Encoding, field: &str) -> crate::Error {
    let slot = if labelled.is_private() {
        Slot::Private
    } else {
        Slot::Public
    };
    match found {
        Some(found) if !slot.takes(found) => slot.wrong_kind(field),
        Some(found) => crate::Error::key(
            field,
            format!(
                "the label {} promises {}, but the data inside is {}; label it -----BEGIN {}----- and -----END {}-----",
                labelled.label(),
                labelled.name(),
                found.name(),
                found.label(),
                found.label()
            ),
        ),
        None => crate::Error::key(
            field,
            format!(
                "the data inside the {} block is not {}; it may be cut short: copy the key again",
                labelled.label(),
                labelled.name()
            ),
        ),
    }
}

/// Only rsaEncryption (RFC 8017 A.1), because every gateway signs with RSASSA-PKCS1-v1_5; an
/// id-RSASSA-PSS key (A.2.3) is restricted to PSS signatures, which the rsa crate would otherwise
/// read as a plain RSA key. RFC 8017 A.1 and RFC 3279 §2.3.1 say the parameters "MUST" be NULL;
/// absent parameters are a different DER encoding, and DER has exactly one.
fn check_algorithm(
    algorithm: &der::AlgorithmIdentifier<'_>,
    slot: Slot,
    field: &str,
) -> crate::Result<()> {
    if algorithm.oid == der::RSASSA_PSS {
        return Err(pss_key(slot, field));
    }
    if algorithm.oid == der::RSA_ENCRYPTION {
        return match algorithm.parameters {
            der::Parameters::Null => Ok(()),
            der::Parameters::Other => Err(rsa_parameters_not_null("are not NULL", field)),
            der::Parameters::Absent => Err(rsa_parameters_not_null("are absent", field)),
        };
    }
    Err(not_rsa(algorithm, slot, field))
}

#[cold]
#[inline(never)]
fn not_rsa(algorithm: &der::AlgorithmIdentifier<'_>, slot: Slot, field: &str) -> crate::Error {
    let oid = algorithm.oid.to_string();
    let what = OTHER_ALGORITHMS
        .iter()
        .find(|(known, _)| *known == oid)
        .map_or_else(
            || format!("a key of algorithm {oid}"),
            |(_, name)| format!("{name} ({oid})"),
        );
    crate::Error::key(
        field,
        format!("expected an RSA {} key; this is {what}", slot.key_kind()),
    )
}

#[cold]
#[inline(never)]
fn rsa_parameters_not_null(found: &str, field: &str) -> crate::Error {
    crate::Error::key(
        field,
        format!(
            "the key's algorithm is rsaEncryption but its parameters {found}; RFC 8017 requires NULL: export the key again with openssl"
        ),
    )
}

#[cold]
#[inline(never)]
fn pss_key(slot: Slot, field: &str) -> crate::Error {
    let advice = match slot {
        Slot::Private => {
            "export an rsaEncryption key: openssl rsa -in key.pem -traditional -outform DER | openssl pkey -inform DER -out rsa-key.pem"
        }
        Slot::Public => {
            "ask for the rsaEncryption public key, or convert this one: openssl rsa -pubin -in key.pem -RSAPublicKey_out -outform DER | openssl pkey -pubin -inform DER"
        }
    };
    crate::Error::key(
        field,
        format!("the key is an RSA-PSS key (OID 1.2.840.113549.1.1.10); these gateways sign with PKCS#1 v1.5, {advice}"),
    )
}

/// Checked on the encoded number, before any arithmetic. The bounds compare whole bytes, as RSA
/// sizes a key (RFC 8017's k), so a modulus of 2041 to 2048 bits counts as a 2048-bit key.
fn check_modulus(bytes: &[u8], field: &str) -> crate::Result<()> {
    if (MIN_BITS..=MAX_BITS).contains(&(bytes.len() * 8)) {
        Ok(())
    } else {
        Err(modulus_size(bytes, field))
    }
}

#[cold]
#[inline(never)]
fn modulus_size(bytes: &[u8], field: &str) -> crate::Error {
    let bits = match bytes.first() {
        Some(top) => bytes.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    };
    let advice = if bytes.len() * 8 < MIN_BITS {
        "use a key of at least 2048 bits"
    } else {
        "use a key of at most 4096 bits"
    };
    crate::Error::key(
        field,
        format!(
            "the modulus is {bits} bits; refundkit accepts {MIN_BITS} to {MAX_BITS} bits: {advice}"
        ),
    )
}

fn pem(label: &str, b64: &str) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_KEY: &str = include_str!("../../tests/fixtures/merchant_test_key.pem");

    /// The merchant key with one bit of its first prime changed (still well-formed DER).
    fn with_a_wrong_prime() -> PrivateKey {
        let key = PrivateKey::import(MERCHANT_KEY, "privateKey").unwrap();
        let mut der = key.pkcs8_der().to_vec();
        let at = {
            let info = der::private_key_info(&der).unwrap();
            let prime = der::rsa_private_key(info.private_key).unwrap().prime1;
            prime.as_ptr() as usize + prime.len() - 1 - der.as_ptr() as usize
        };
        der[at] ^= 0x02;
        let text = pem("PRIVATE KEY", &STANDARD.encode(&der));
        PrivateKey::import(&text, "privateKey").unwrap()
    }

    #[test]
    fn schoolbook_products_are_exact() {
        let product = |a: &[u8], b: &[u8]| trim_leading_zeros(&product_of(a, b)).to_vec();
        assert_eq!(
            product(&[0xff; 4], &[0xff; 4]),
            [0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 1]
        );
        assert_eq!(product(&[1, 0, 0, 0, 0], &[3]), [3, 0, 0, 0, 0]);
        assert_eq!(
            product(&[0xff; 9], &[2]),
            [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]
        );
        assert!(product(&[0], &[7]).is_empty());
    }

    #[test]
    fn primes_that_make_the_modulus_are_told_from_ones_that_do_not() {
        assert!(PrivateKey::import(MERCHANT_KEY, "privateKey")
            .unwrap()
            .check_primes()
            .is_ok());
        let e = with_a_wrong_prime().check_primes().unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::KeyInvalid);
        assert!(e.message.contains("do not fit together"), "{}", e.message);
    }
}
