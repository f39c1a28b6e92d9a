//! DER (X.690) for exactly the four structures an RSA key arrives in: PKCS#8 PrivateKeyInfo
//! (RFC 5208, and RFC 5958's OneAsymmetricKey), PKCS#1 RSAPrivateKey and RSAPublicKey (RFC 8017
//! A.1), and SubjectPublicKeyInfo (RFC 5280 §4.1). A key has one DER encoding, so anything else is
//! refused: indefinite or non-minimal lengths, a length past the end of its container, bytes left
//! over at any level, INTEGERs with a redundant leading byte, negative key numbers. Lengths are
//! checked against the bytes that are there before anything is sliced; nothing is allocated from a
//! declared length.
//!
//! The reader answers `None` for anything that is not the structure asked for: which refusal to
//! give is for the caller, who knows which slot the key was meant for. The writer encodes what
//! import keeps: PKCS#8 around a PKCS#1 private key, and SPKI around a PKCS#1 public key, as
//! OpenSSL writes them.

use std::fmt;
use zeroize::Zeroizing;

const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OBJECT_IDENTIFIER: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
/// OneAsymmetricKey's `attributes [0] IMPLICIT SET OF Attribute` (constructed).
const ATTRIBUTES: u8 = 0xa0;
/// OneAsymmetricKey's `publicKey [1] IMPLICIT BIT STRING` (primitive).
const PUBLIC_KEY: u8 = 0x81;

/// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 A.1).
pub(super) const RSA_ENCRYPTION: Oid<'static> =
    Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
/// id-RSASSA-PSS, 1.2.840.113549.1.1.10 (RFC 8017 A.2.3).
pub(super) const RSASSA_PSS: Oid<'static> =
    Oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a]);

/// `version INTEGER 0` (PKCS#8's v1): a key without its public key beside it, as OpenSSL writes it.
const VERSION_0: [u8; 3] = [INTEGER, 1, 0];

/// The longest OID read. An algorithm's OID is named in refusals, so a long one would be a long
/// message; every registered algorithm fits in far less.
const MAX_OID_BYTES: usize = 39;

/// The content octets of a valid OBJECT IDENTIFIER; compared as bytes, printed in dotted form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Oid<'a>(&'a [u8]);

impl<'a> Oid<'a> {
    /// At least two subidentifiers (three arcs), each minimal and within 32 bits.
    fn new(content: &'a [u8]) -> Option<Oid<'a>> {
        if content.len() > MAX_OID_BYTES {
            return None;
        }
        let count = subidentifiers(content).try_fold(0usize, |n, arc| arc.map(|_| n + 1))?;
        (count >= 2).then_some(Oid(content))
    }
}

impl fmt::Display for Oid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arc) in subidentifiers(self.0).flatten().enumerate() {
            if i == 0 {
                // X.690 §8.19.4: the first subidentifier packs the first two arcs as 40·x + y.
                let first = (arc / 40).min(2);
                write!(f, "{first}.{}", arc - 40 * first)?;
            } else {
                write!(f, ".{arc}")?;
            }
        }
        Ok(())
    }
}

/// The subidentifiers of an OID's content (X.690 §8.19.2): base 128, big-endian, the high bit set
/// on every byte but a subidentifier's last. `None` for one that has a redundant leading byte,
/// does not fit 32 bits or is cut off.
fn subidentifiers(content: &[u8]) -> impl Iterator<Item = Option<u32>> + '_ {
    let mut rest = content;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(last) = rest.iter().position(|byte| byte & 0x80 == 0) else {
            rest = &[];
            return Some(None);
        };
        let (encoded, tail) = rest.split_at(last + 1);
        rest = tail;
        Some(subidentifier(encoded))
    })
}

fn subidentifier(encoded: &[u8]) -> Option<u32> {
    if encoded.first() == Some(&0x80) {
        return None;
    }
    encoded.iter().try_fold(0u32, |value, byte| {
        value
            .checked_mul(128)
            .map(|shifted| shifted | u32::from(byte & 0x7f))
    })
}

/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2).
pub(super) struct AlgorithmIdentifier<'a> {
    pub(super) oid: Oid<'a>,
    pub(super) parameters: Parameters,
}

/// What follows the OID: only NULL is accepted for rsaEncryption, and absent parameters are a
/// different encoding of it, so the three are told apart.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Parameters {
    Absent,
    Null,
    Other,
}

/// PKCS#8 PrivateKeyInfo, or OneAsymmetricKey (version 1, with the public key beside the private
/// one). Neither the attributes nor that public key is kept: the key is written again without them.
pub(super) struct PrivateKeyInfo<'a> {
    pub(super) algorithm: AlgorithmIdentifier<'a>,
    /// The content of the privateKey OCTET STRING: for rsaEncryption, an RSAPrivateKey.
    pub(super) private_key: &'a [u8],
}

/// SubjectPublicKeyInfo.
pub(super) struct SubjectPublicKeyInfo<'a> {
    pub(super) algorithm: AlgorithmIdentifier<'a>,
    pub(super) subject_public_key: BitString<'a>,
}

/// A BIT STRING's content.
pub(super) struct BitString<'a> {
    unused_bits: u8,
    bytes: &'a [u8],
}

impl<'a> BitString<'a> {
    fn new(content: &'a [u8]) -> Option<BitString<'a>> {
        let (&unused_bits, bytes) = content.split_first()?;
        // X.690 §8.6.2.2-3: at most 7 unused bits, and none in an empty string.
        let valid = unused_bits <= 7 && (unused_bits == 0 || !bytes.is_empty());
        valid.then_some(BitString { unused_bits, bytes })
    }

    /// The bytes, where the string is a whole number of them (an RSAPublicKey always is).
    pub(super) fn whole_bytes(&self) -> Option<&'a [u8]> {
        (self.unused_bits == 0).then_some(self.bytes)
    }
}

/// The numbers of a PKCS#1 RSAPrivateKey that import uses, as big-endian magnitudes without a
/// leading zero byte (zero is `[0]`). The private exponent and the CRT numbers are checked for form
/// only: they are the providers' to use.
pub(super) struct RsaPrivateKey<'a> {
    pub(super) modulus: &'a [u8],
    pub(super) public_exponent: &'a [u8],
    pub(super) prime1: &'a [u8],
    pub(super) prime2: &'a [u8],
    /// Version 1 with otherPrimeInfos: a multi-prime key, well-formed but not one import takes.
    pub(super) more_than_two_primes: bool,
}

/// A PKCS#1 RSAPublicKey's numbers, as magnitudes like `RsaPrivateKey`'s.
pub(super) struct RsaPublicKey<'a> {
    pub(super) modulus: &'a [u8],
    pub(super) public_exponent: &'a [u8],
}

/// Reads DER elements one after another from a slice.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The content of the one SEQUENCE `der` must be, with nothing after it.
    fn whole_sequence(der: &'a [u8]) -> Option<Reader<'a>> {
        let mut outer = Reader { rest: der };
        let content = outer.expect(SEQUENCE)?;
        outer.finish(Reader { rest: content })
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// `value` if every byte has been read: DER leaves nothing over at any level.
    fn finish<T>(self, value: T) -> Option<T> {
        self.is_empty().then_some(value)
    }

    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    /// The next element's tag and content. Only single-byte tags: the key structures use no
    /// others (a tag number of 31 or more is written over several bytes, X.690 §8.1.2.4).
    fn element(&mut self) -> Option<(u8, &'a [u8])> {
        let tag = self.byte()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let length = self.length()?;
        if length > self.rest.len() {
            return None;
        }
        let (content, rest) = self.rest.split_at(length);
        self.rest = rest;
        Some((tag, content))
    }

    /// X.690 §8.1.3 with DER's §10.1: the short form below 128, otherwise the long form in as few
    /// bytes as the length needs; never the indefinite form (0x80).
    fn length(&mut self) -> Option<usize> {
        let first = self.byte()?;
        if first < 0x80 {
            return Some(usize::from(first));
        }
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let mut length = 0usize;
        for _ in 0..count {
            length = length.checked_mul(256)? | usize::from(self.byte()?);
        }
        let minimal = length >= 0x80 && length >> (8 * (count - 1)) != 0;
        minimal.then_some(length)
    }

    /// The content of the next element, which must have tag `tag`.
    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (found, content) = self.element()?;
        (found == tag).then_some(content)
    }

    /// The content of the next element if it has tag `tag`; nothing is read otherwise.
    fn optional(&mut self, tag: u8) -> Option<Option<&'a [u8]>> {
        if self.rest.first() != Some(&tag) {
            return Some(None);
        }
        self.expect(tag).map(Some)
    }

    /// A non-negative INTEGER in its one DER form, as its magnitude (X.690 §8.3.2: no leading
    /// 0x00 unless the next byte has its high bit set, which a 0x00 would otherwise make negative).
    fn unsigned(&mut self) -> Option<&'a [u8]> {
        let content = self.expect(INTEGER)?;
        match content {
            [0] => Some(content),
            [0, next, ..] if next & 0x80 != 0 => Some(&content[1..]),
            [first, ..] if *first != 0 && first & 0x80 == 0 => Some(content),
            _ => None,
        }
    }

    /// A small version number: 0 or 1 (two-prime or multi-prime; PKCS#8 v1 or v2).
    fn version(&mut self) -> Option<u8> {
        match self.unsigned()? {
            [version @ (0 | 1)] => Some(*version),
            _ => None,
        }
    }

    fn algorithm(&mut self) -> Option<AlgorithmIdentifier<'a>> {
        let mut algorithm = Reader {
            rest: self.expect(SEQUENCE)?,
        };
        let oid = Oid::new(algorithm.expect(OBJECT_IDENTIFIER)?)?;
        let parameters = if algorithm.is_empty() {
            Parameters::Absent
        } else {
            match algorithm.element()? {
                (NULL, []) => Parameters::Null,
                _ => Parameters::Other,
            }
        };
        algorithm.finish(AlgorithmIdentifier { oid, parameters })
    }
}

/// PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm, privateKey OCTET STRING,
/// attributes [0] OPTIONAL, publicKey [1] OPTIONAL }: version 0 without the public key, or version
/// 1 with it (RFC 5958 §2). The attributes are skipped unread; the public key is checked for form.
pub(super) fn private_key_info(der: &[u8]) -> Option<PrivateKeyInfo<'_>> {
    let mut info = Reader::whole_sequence(der)?;
    let version = info.version()?;
    let algorithm = info.algorithm()?;
    let private_key = info.expect(OCTET_STRING)?;
    info.optional(ATTRIBUTES)?;
    let public_key = info.optional(PUBLIC_KEY)?.map(BitString::new);
    match (version, public_key) {
        (0, None) | (1, Some(Some(_))) => info.finish(PrivateKeyInfo {
            algorithm,
            private_key,
        }),
        _ => None,
    }
}

/// SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }.
pub(super) fn subject_public_key_info(der: &[u8]) -> Option<SubjectPublicKeyInfo<'_>> {
    let mut info = Reader::whole_sequence(der)?;
    let algorithm = info.algorithm()?;
    let subject_public_key = BitString::new(info.expect(BIT_STRING)?)?;
    info.finish(SubjectPublicKeyInfo {
        algorithm,
        subject_public_key,
    })
}

/// RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1,
/// prime2, exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL }, otherPrimeInfos present
/// exactly when the version is 1.
pub(super) fn rsa_private_key(der: &[u8]) -> Option<RsaPrivateKey<'_>> {
    let mut key = Reader::whole_sequence(der)?;
    let version = key.version()?;
    let modulus = key.unsigned()?;
    let public_exponent = key.unsigned()?;
    let _private_exponent = key.unsigned()?;
    let prime1 = key.unsigned()?;
    let prime2 = key.unsigned()?;
    for _exponent1_exponent2_coefficient in 0..3 {
        key.unsigned()?;
    }
    let other_primes = key.optional(SEQUENCE)?;
    if let Some(infos) = other_primes {
        other_prime_infos(infos)?;
    }
    let more_than_two_primes = other_primes.is_some();
    if more_than_two_primes != (version == 1) {
        return None;
    }
    key.finish(RsaPrivateKey {
        modulus,
        public_exponent,
        prime1,
        prime2,
        more_than_two_primes,
    })
}

/// OtherPrimeInfos ::= SEQUENCE SIZE(1..MAX) OF SEQUENCE { prime, exponent, coefficient }.
fn other_prime_infos(content: &[u8]) -> Option<()> {
    let mut infos = Reader { rest: content };
    if infos.is_empty() {
        return None;
    }
    while !infos.is_empty() {
        let mut info = Reader {
            rest: infos.expect(SEQUENCE)?,
        };
        for _prime_exponent_coefficient in 0..3 {
            info.unsigned()?;
        }
        info.finish(())?;
    }
    Some(())
}

/// RSAPublicKey ::= SEQUENCE { modulus, publicExponent }.
pub(super) fn rsa_public_key(der: &[u8]) -> Option<RsaPublicKey<'_>> {
    let mut key = Reader::whole_sequence(der)?;
    let modulus = key.unsigned()?;
    let public_exponent = key.unsigned()?;
    key.finish(RsaPublicKey {
        modulus,
        public_exponent,
    })
}

/// PKCS#8 around an RSAPrivateKey's DER: version 0, rsaEncryption with NULL parameters, no
/// attributes, as `openssl pkcs8 -topk8 -nocrypt` writes it. The key is copied once, into a buffer
/// of its final size that is wiped when dropped.
pub(super) fn write_pkcs8(rsa_private_key: &[u8]) -> Zeroizing<Vec<u8>> {
    let key_header = header(OCTET_STRING, rsa_private_key.len());
    Zeroizing::new(element(
        SEQUENCE,
        &[&VERSION_0, &rsa_algorithm(), &key_header, rsa_private_key],
    ))
}

/// SPKI (rsaEncryption with NULL parameters) around the RSAPublicKey of two magnitudes without
/// leading zero bytes, as `openssl rsa -pubout` writes it.
pub(super) fn write_spki(modulus: &[u8], public_exponent: &[u8]) -> Vec<u8> {
    let key = element(SEQUENCE, &[&integer(modulus), &integer(public_exponent)]);
    let no_unused_bits = [0];
    let key_header = header(BIT_STRING, no_unused_bits.len() + key.len());
    element(
        SEQUENCE,
        &[&rsa_algorithm(), &key_header, &no_unused_bits, &key],
    )
}

/// `AlgorithmIdentifier { rsaEncryption, NULL }`, the one algorithm every key is written with.
fn rsa_algorithm() -> Vec<u8> {
    let oid = element(OBJECT_IDENTIFIER, &[RSA_ENCRYPTION.0]);
    element(SEQUENCE, &[&oid, &[NULL, 0]])
}

/// An INTEGER of a magnitude: a 0x00 goes before a first byte with its high bit set, which would
/// otherwise read as negative.
fn integer(magnitude: &[u8]) -> Vec<u8> {
    let sign: &[u8] = match magnitude.first() {
        Some(first) if first & 0x80 != 0 => &[0],
        _ => &[],
    };
    element(INTEGER, &[sign, magnitude])
}

/// `tag`, the length and `parts` one after another, in a buffer allocated once at its final size.
fn element(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let length = parts.iter().map(|part| part.len()).sum();
    let header = header(tag, length);
    let mut out = Vec::with_capacity(header.len() + length);
    out.extend_from_slice(&header);
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// Tag and length octets, the length in the fewest bytes (X.690 §10.1).
fn header(tag: u8, length: usize) -> Vec<u8> {
    let mut out = vec![tag];
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes = length.to_be_bytes();
        let significant = &bytes[bytes.iter().take_while(|byte| **byte == 0).count()..];
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(content: &[u8]) -> Option<String> {
        Oid::new(content).map(|oid| oid.to_string())
    }

    #[test]
    fn oids_print_their_first_two_arcs_from_one_subidentifier() {
        assert_eq!(oid(&[39, 1]).as_deref(), Some("0.39.1"));
        assert_eq!(oid(&[40, 1]).as_deref(), Some("1.0.1"));
        assert_eq!(oid(&[79, 1]).as_deref(), Some("1.39.1"));
        assert_eq!(oid(&[80, 1]).as_deref(), Some("2.0.1"));
        assert_eq!(oid(&[0x81, 0x00, 1]).as_deref(), Some("2.48.1"));
        assert_eq!(RSA_ENCRYPTION.to_string(), "1.2.840.113549.1.1.1");
        assert_eq!(RSASSA_PSS.to_string(), "1.2.840.113549.1.1.10");
    }

    #[test]
    fn oids_that_are_not_der_or_do_not_fit_are_refused() {
        // u32::MAX is the largest arc; one more needs 33 bits.
        assert_eq!(
            oid(&[42, 0x8f, 0xff, 0xff, 0xff, 0x7f]).as_deref(),
            Some("1.2.4294967295")
        );
        assert_eq!(oid(&[42, 0x90, 0x80, 0x80, 0x80, 0x00]), None);
        assert_eq!(oid(&[42, 0x80, 0x01]), None, "a redundant 0x80");
        assert_eq!(oid(&[42, 0x86]), None, "cut off");
        assert_eq!(oid(&[42]), None, "two arcs");
        assert_eq!(oid(&[]), None);
        assert!(oid(&[[42].as_slice(), &[1; 38]].concat()).is_some());
        assert_eq!(oid(&[[42].as_slice(), &[1; 39]].concat()), None);
    }

    #[test]
    fn lengths_are_read_in_their_one_der_form_and_written_in_it() {
        for length in [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x1_0000] {
            let content = vec![7u8; length];
            let encoded = element(OCTET_STRING, &[&content]);
            let mut reader = Reader { rest: &encoded };
            assert_eq!(reader.expect(OCTET_STRING), Some(&content[..]), "{length}");
            assert!(reader.is_empty());
        }
        assert_eq!(header(OCTET_STRING, 0x7f), [4, 0x7f]);
        assert_eq!(header(OCTET_STRING, 0x80), [4, 0x81, 0x80]);
        assert_eq!(header(OCTET_STRING, 0x100), [4, 0x82, 1, 0]);
        let refused: [&[u8]; 5] = [
            &[4, 0x81, 0x7f],
            &[4, 0x82, 0, 0x80],
            &[4, 0x80],
            &[4, 0x85, 0, 0, 0, 0, 1],
            &[4, 0x81],
        ];
        for encoded in refused {
            let mut reader = Reader { rest: encoded };
            assert_eq!(reader.element(), None, "{encoded:02x?}");
        }
    }

    #[test]
    fn integers_are_non_negative_and_minimal() {
        let read = |encoded: &[u8]| Reader { rest: encoded }.unsigned().map(<[u8]>::to_vec);
        assert_eq!(read(&[2, 1, 0]), Some(vec![0]));
        assert_eq!(read(&[2, 1, 0x7f]), Some(vec![0x7f]));
        assert_eq!(read(&[2, 2, 0, 0x80]), Some(vec![0x80]));
        assert_eq!(read(&[2, 1, 0x80]), None, "negative");
        assert_eq!(read(&[2, 2, 0, 0x7f]), None, "a redundant 0x00");
        assert_eq!(read(&[2, 2, 0, 0]), None, "a redundant 0x00");
        assert_eq!(read(&[2, 0]), None, "no content");
        assert_eq!(integer(&[0x80]), [2, 2, 0, 0x80]);
        assert_eq!(integer(&[0x7f]), [2, 1, 0x7f]);
    }
}
