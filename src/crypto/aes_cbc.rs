//! AES-CBC with PKCS#7 padding (RFC 5652 §6.3), for gateways that encrypt their business bodies,
//! and the one construction that has to verify a signature over what it decrypted.
//!
//! Nothing here panics on received data, and no message names the key or the IV.

use super::{HashAlg, Verifier};
use crate::{Error, Result};
use aes::cipher::array::Array;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::consts::U16;
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt};
use aes::cipher::{InnerIvInit, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::{
    Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater, ConstantTimeLess,
};
use zeroize::Zeroizing;

pub(crate) const BLOCK_LEN: usize = 16;

/// An expanded AES key (128, 192 or 256 bits), each in an allocation of exactly its own size, which
/// the aes crate wipes whole on drop. Held inline, a 128-bit schedule would leave the bytes past it
/// (where a 256-bit one fits) as they were when it was built, and they can hold the key.
enum KeySchedule {
    Aes128(Box<Aes128>),
    Aes192(Box<Aes192>),
    Aes256(Box<Aes256>),
}

#[cfg(test)]
thread_local! {
    /// How many keys this thread has expanded, for the tests that hold a client to one.
    static KEY_EXPANSIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl KeySchedule {
    /// `None` unless the key is 16, 24 or 32 bytes.
    fn expand(key: &[u8]) -> Option<KeySchedule> {
        #[cfg(test)]
        KEY_EXPANSIONS.with(|count| count.set(count.get() + 1));
        Some(match key.len() {
            16 => KeySchedule::Aes128(Box::new(Aes128::new_from_slice(key).ok()?)),
            24 => KeySchedule::Aes192(Box::new(Aes192::new_from_slice(key).ok()?)),
            32 => KeySchedule::Aes256(Box::new(Aes256::new_from_slice(key).ok()?)),
            _ => return None,
        })
    }
}

/// An AES key and its IV. The key is expanded once, when the client is made: in software AES, as
/// in WebAssembly, expanding it costs about as much as decrypting a few blocks, and every message
/// would pay for it again.
pub(crate) struct AesCbc {
    key: KeySchedule,
    iv: Zeroizing<[u8; BLOCK_LEN]>,
}

impl AesCbc {
    /// `None` unless the key is 16, 24 or 32 bytes and the IV 16.
    pub(crate) fn new(key: Zeroizing<Vec<u8>>, iv: Zeroizing<Vec<u8>>) -> Option<AesCbc> {
        let iv = Zeroizing::new(<[u8; BLOCK_LEN]>::try_from(iv.as_slice()).ok()?);
        let key = KeySchedule::expand(&key)?;
        Some(AesCbc { key, iv })
    }

    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        match &self.key {
            KeySchedule::Aes128(cipher) => cbc_encrypt(&**cipher, &self.iv, plaintext),
            KeySchedule::Aes192(cipher) => cbc_encrypt(&**cipher, &self.iv, plaintext),
            KeySchedule::Aes256(cipher) => cbc_encrypt(&**cipher, &self.iv, plaintext),
        }
    }

    /// Decrypts in place and strips the padding. Every failure, including a wrong key that happens
    /// to leave valid padding, is `DECRYPT_FAILED`.
    pub(crate) fn decrypt(&self, ciphertext: Vec<u8>) -> Result<Vec<u8>> {
        let mut plaintext = self.decrypt_blocks(ciphertext)?;
        let (padding_ok, padding_len) = pkcs7_padding(&plaintext);
        if !bool::from(padding_ok) {
            return Err(Error::decrypt_failed(
                "the body does not decrypt with the configured aesKey and aesIv (bad padding): \
                 check the key, the IV and keyEncoding",
            ));
        }
        plaintext.truncate(plaintext.len() - padding_len);
        Ok(plaintext)
    }

    /// Decrypts a body whose signature covers the plaintext, and checks both without telling which
    /// failed, by content or by time: a receiver that answered bad padding differently from a bad
    /// signature would be a padding oracle on the key (CBC, Vaudenay 2002). The padding is read in
    /// constant time, the signature is always verified, and `None` stands for either failure,
    /// decided after both checks. Where the padding is bad the signature is checked over a message
    /// as long as a one-byte padding would leave, and a filler hash evens out the cost of hashing
    /// messages of different lengths (see [`filler_hash_blocks`]).
    pub(crate) fn decrypt_signed_plaintext(
        &self,
        ciphertext: Vec<u8>,
        signature: &[u8],
        hash: HashAlg,
        verifier: &dyn Verifier,
    ) -> Result<Option<Vec<u8>>> {
        let mut padded = self.decrypt_blocks(ciphertext)?;
        let checks = check_padding_and_signature(&padded, hash, |message| {
            verifier.verify(message, signature, hash).is_ok()
        });
        if !(checks.padding_ok & checks.signature_ok) {
            return Ok(None);
        }
        padded.truncate(checks.message_len);
        Ok(Some(padded))
    }

    /// CBC-decrypts whole blocks in the buffer they came in (the ciphertext is not needed after)
    /// and leaves the padding on, unchecked. The refusal here depends only on the length of what
    /// was received, never on the key.
    fn decrypt_blocks(&self, mut blocks: Vec<u8>) -> Result<Vec<u8>> {
        if blocks.is_empty() || !blocks.len().is_multiple_of(BLOCK_LEN) {
            return Err(Error::decrypt_failed(
                "the encrypted body is not a whole number of 16-byte AES blocks",
            ));
        }
        match &self.key {
            KeySchedule::Aes128(cipher) => cbc_decrypt_in_place(&**cipher, &self.iv, &mut blocks),
            KeySchedule::Aes192(cipher) => cbc_decrypt_in_place(&**cipher, &self.iv, &mut blocks),
            KeySchedule::Aes256(cipher) => cbc_decrypt_in_place(&**cipher, &self.iv, &mut blocks),
        }
        Ok(blocks)
    }
}

/// CBC over the expanded key, borrowed: the mode keeps only its own copy of the IV.
fn cbc_encrypt<C>(cipher: &C, iv: &[u8; BLOCK_LEN], plaintext: &[u8]) -> Vec<u8>
where
    C: BlockCipherEncrypt<BlockSize = U16>,
{
    cbc::Encryptor::inner_iv_init(cipher, iv.into()).encrypt_padded_vec::<Pkcs7>(plaintext)
}

/// `blocks` holds whole blocks (a remainder would be left as it is). The padding is left to
/// [`pkcs7_padding`], which reads it in constant time.
fn cbc_decrypt_in_place<C>(cipher: &C, iv: &[u8; BLOCK_LEN], blocks: &mut [u8])
where
    C: BlockCipherDecrypt<BlockSize = U16>,
{
    let (blocks, _) = Array::<u8, U16>::slice_as_chunks_mut(blocks);
    cbc::Decryptor::inner_iv_init(cipher, iv.into()).decrypt_blocks(blocks);
}

/// Reads the PKCS#7 padding (RFC 5652 §6.3) at the end of decrypted whole blocks: whether it is well
/// formed, and how many bytes to strip. Every byte of the last block is read, with no branch and no
/// early exit on its value, so the time taken does not tell good padding from bad. Where the
/// padding is bad the length to strip is 1, the length of the most common good padding, so that
/// what follows handles a message of the same length either way.
fn pkcs7_padding(padded: &[u8]) -> (Choice, usize) {
    let Some(last_block) = padded
        .len()
        .checked_sub(BLOCK_LEN)
        .map(|start| &padded[start..])
    else {
        return (Choice::from(0), 0);
    };
    let pad = last_block[BLOCK_LEN - 1];
    let mut ok = pad.ct_gt(&0) & !pad.ct_gt(&(BLOCK_LEN as u8));
    for (distance_from_end, byte) in (0u8..).zip(last_block.iter().rev()) {
        let in_padding = distance_from_end.ct_lt(&pad);
        ok &= !in_padding | byte.ct_eq(&pad);
    }
    (ok, usize::from(u8::conditional_select(&1, &pad, ok)))
}

/// The two checks of a signed plaintext and what they found, each made whatever the other found.
#[derive(Debug, PartialEq, Eq)]
struct PlaintextChecks {
    padding_ok: bool,
    signature_ok: bool,
    /// The length of the plaintext without its padding (or without one byte, where the padding is
    /// bad).
    message_len: usize,
}

/// Checks the padding of decrypted blocks and always runs `signature_holds` as well: over the
/// plaintext without its padding when the padding is good, over a message of the same length as
/// a one-byte padding would leave when it is not. A filler hash then evens out the cost of
/// hashing messages of different lengths (see [`filler_hash_blocks`]).
fn check_padding_and_signature(
    padded: &[u8],
    hash: HashAlg,
    signature_holds: impl FnOnce(&[u8]) -> bool,
) -> PlaintextChecks {
    let (padding_ok, padding_len) = pkcs7_padding(padded);
    let message_len = padded.len().saturating_sub(padding_len);
    let signature_ok = signature_holds(&padded[..message_len]);
    hash_filler(filler_hash_blocks(padded.len(), message_len), hash);
    PlaintextChecks {
        padding_ok: padding_ok.into(),
        signature_ok,
        message_len,
    }
}

/// SHA-1 and SHA-256 hash 64-byte blocks, after appending 0x80 and the 8-byte length (FIPS 180-4
/// §5.1.1).
const HASH_BLOCK_LEN: usize = 64;
const HASH_MIN_APPENDED: usize = 9;

fn hash_blocks(message_len: usize) -> usize {
    (message_len + HASH_MIN_APPENDED).div_ceil(HASH_BLOCK_LEN)
}

/// The message under the signature is 1 to 16 bytes shorter than the decrypted blocks, depending
/// on the padding, and hashing it takes one block more or less depending on that length: where
/// the blocks are a multiple of 64 bytes long, a padding of 9 or more bytes leaves one block less
/// to hash than a bad padding (treated as one byte). Hashing a filler of the blocks returned here
/// as well makes the two hashes together cost the same whatever the padding was: one block more
/// than the longest message takes, since a hash costs at least one block. So the filler is one or
/// two blocks whatever the length of the body, and the evening out costs no more than it must.
/// This assumes the verifier hashes the message once, as every provider does (the digest is what
/// it signs over).
fn filler_hash_blocks(padded_len: usize, message_len: usize) -> usize {
    let longest = hash_blocks(padded_len.saturating_sub(1));
    (longest + 1).saturating_sub(hash_blocks(message_len))
}

/// Hashes `blocks` blocks of zeros with the given hash, for their cost alone.
fn hash_filler(blocks: usize, hash: HashAlg) {
    fn filler<D: Digest>(blocks: usize) {
        const ZEROS: [u8; HASH_BLOCK_LEN] = [0; HASH_BLOCK_LEN];
        let mut hasher = D::new();
        for _ in 1..blocks {
            hasher.update(ZEROS);
        }
        hasher.update(&ZEROS[..HASH_BLOCK_LEN - HASH_MIN_APPENDED]);
        std::hint::black_box(hasher.finalize());
    }
    match hash {
        HashAlg::Sha256 => filler::<Sha256>(blocks),
        HashAlg::Sha1 => filler::<Sha1>(blocks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn cipher(key: &str, iv: &str) -> AesCbc {
        AesCbc::new(
            Zeroizing::new(key.as_bytes().to_vec()),
            Zeroizing::new(iv.as_bytes().to_vec()),
        )
        .unwrap()
    }

    #[test]
    fn keys_and_ivs_of_other_lengths_are_refused() {
        let bytes = |n: usize| Zeroizing::new(vec![7u8; n]);
        for (key, iv) in [(15, 16), (33, 16), (0, 16), (16, 15), (32, 17)] {
            assert!(AesCbc::new(bytes(key), bytes(iv)).is_none(), "{key} {iv}");
        }
        for key in [16, 24, 32] {
            assert!(AesCbc::new(bytes(key), bytes(16)).is_some());
        }
    }

    #[test]
    fn decrypts_what_it_encrypts_at_every_length() {
        let c = cipher("0123456789abcdef", "abcdef9876543210");
        for len in 0..40 {
            let plaintext = vec![b'a'; len];
            let ciphertext = c.encrypt(&plaintext);
            assert_eq!(ciphertext.len(), (len / BLOCK_LEN + 1) * BLOCK_LEN);
            assert_eq!(c.decrypt(ciphertext).unwrap(), plaintext);
        }
    }

    #[test]
    fn decrypts_in_the_buffer_the_ciphertext_came_in() {
        let c = cipher("0123456789abcdef", "abcdef9876543210");
        let ciphertext = c.encrypt(&[b'a'; 40]);
        let received = ciphertext.as_ptr();
        let plaintext = c.decrypt(ciphertext).unwrap();
        assert_eq!(plaintext.as_ptr(), received);
        let ciphertext = c.encrypt(&[b'a'; 40]);
        let received = ciphertext.as_ptr();
        let plaintext = c
            .decrypt_signed_plaintext(ciphertext, b"", HashAlg::Sha256, &AcceptingVerifier)
            .unwrap()
            .unwrap();
        assert_eq!(plaintext.as_ptr(), received);
    }

    #[test]
    fn decryption_failures_never_panic() {
        let c = cipher("0123456789abcdef", "abcdef9876543210");
        for bad in [&[][..], &[0u8; 3][..], &[0u8; 16][..], &[0xffu8; 48][..]] {
            let e = c.decrypt(bad.to_vec()).unwrap_err();
            assert_eq!(e.code, ErrorCode::DecryptFailed, "{bad:?}");
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        crate::wire::decode_hex(text).unwrap()
    }

    /// NIST SP 800-38A, F.2.1-F.2.6: CBC-AES128, -192 and -256 over the same four blocks.
    #[test]
    fn reproduces_the_sp_800_38a_cbc_vectors_for_every_key_length() {
        let iv = hex("000102030405060708090a0b0c0d0e0f");
        let plaintext = hex(concat!(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51",
            "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
        ));
        for (key, expected) in [
            (
                "2b7e151628aed2a6abf7158809cf4f3c",
                concat!(
                    "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2",
                    "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
                ),
            ),
            (
                "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
                concat!(
                    "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a",
                    "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd",
                ),
            ),
            (
                "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
                concat!(
                    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d",
                    "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
                ),
            ),
        ] {
            let c = AesCbc::new(Zeroizing::new(hex(key)), Zeroizing::new(iv.clone())).unwrap();
            let expected = hex(expected);
            // The vectors have no padding: the fifth block is the PKCS#7 one.
            assert_eq!(c.encrypt(&plaintext)[..64], expected, "{key}");
            assert_eq!(c.decrypt_blocks(expected).unwrap(), plaintext, "{key}");
        }
    }

    /// Accepts every signature, so that the signed-plaintext path runs to its end.
    #[derive(Debug)]
    struct AcceptingVerifier;

    impl Verifier for AcceptingVerifier {
        fn verify(&self, _: &[u8], _: &[u8], _: HashAlg) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_key_is_expanded_once_however_many_messages_go_through_it() {
        let expansions = || KEY_EXPANSIONS.with(std::cell::Cell::get);
        let before = expansions();
        let c = cipher("0123456789abcdef0123456789abcdef", "abcdef9876543210");
        for len in [0, 15, 16, 300] {
            let ciphertext = c.encrypt(&vec![b'a'; len]);
            assert_eq!(c.decrypt(ciphertext.clone()).unwrap().len(), len);
            let opened = c
                .decrypt_signed_plaintext(ciphertext, b"", HashAlg::Sha256, &AcceptingVerifier)
                .unwrap();
            assert_eq!(opened.map(|plaintext| plaintext.len()), Some(len));
        }
        assert!(c.decrypt(vec![0; 2 * BLOCK_LEN]).is_err());
        assert_eq!(expansions() - before, 1);
    }

    /// Two blocks whose last one ends in `tail`.
    fn blocks_ending_in(tail: &[u8]) -> Vec<u8> {
        let mut padded = vec![b'x'; 2 * BLOCK_LEN - tail.len()];
        padded.extend_from_slice(tail);
        padded
    }

    #[test]
    fn pkcs7_padding_accepts_every_good_length_and_strips_one_byte_from_bad_ones() {
        for len in 1..=BLOCK_LEN {
            let padded = blocks_ending_in(&vec![len as u8; len]);
            let (ok, strip) = pkcs7_padding(&padded);
            assert!(bool::from(ok), "{len}");
            assert_eq!(strip, len);
        }
        let bad: [&[u8]; 6] = [
            &[0],
            &[17],
            &[0xff],
            &[1, 3, 3],
            &[2, 2, 2, 3, 3],
            &[16; 15],
        ];
        for tail in bad {
            let (ok, strip) = pkcs7_padding(&blocks_ending_in(tail));
            assert!(!bool::from(ok), "{tail:?}");
            assert_eq!(strip, 1, "{tail:?}");
        }
        let (ok, strip) = pkcs7_padding(&[]);
        assert!(!bool::from(ok));
        assert_eq!(strip, 0);
    }

    #[test]
    fn the_signature_is_verified_once_whether_the_padding_is_good_or_bad() {
        for (tail, padding_ok, message_len) in [
            (&[3u8, 3, 3][..], true, 29),
            (&[1][..], true, 31),
            (&[7, 3, 3][..], false, 31),
            (&[0][..], false, 31),
        ] {
            for signature_ok in [true, false] {
                let padded = blocks_ending_in(tail);
                let mut verified = Vec::new();
                let checks = check_padding_and_signature(&padded, HashAlg::Sha256, |message| {
                    verified.push(message.len());
                    signature_ok
                });
                assert_eq!(verified, [message_len], "{tail:?}");
                assert_eq!(
                    checks,
                    PlaintextChecks {
                        padding_ok,
                        signature_ok,
                        message_len
                    }
                );
            }
        }
    }

    #[test]
    fn the_message_hash_and_the_filler_hash_cost_the_same_whatever_the_padding() {
        for padded_len in (BLOCK_LEN..=512).step_by(BLOCK_LEN) {
            let cost = |message_len| {
                hash_blocks(message_len) + filler_hash_blocks(padded_len, message_len)
            };
            let bad_padding = cost(padded_len - 1);
            for padding_len in 1..=BLOCK_LEN {
                assert_eq!(cost(padded_len - padding_len), bad_padding, "{padded_len}");
            }
        }
        // The case that needs it: 64 bytes of blocks, 9 bytes of padding.
        assert_eq!(hash_blocks(63), 2);
        assert_eq!(hash_blocks(55), 1);
        assert_eq!(filler_hash_blocks(64, 55), 2);
        assert_eq!(filler_hash_blocks(64, 63), 1);
    }

    #[test]
    fn the_filler_hash_is_one_or_two_blocks_however_long_the_body() {
        for padded_len in (BLOCK_LEN..=4096).step_by(BLOCK_LEN) {
            for padding_len in 1..=BLOCK_LEN {
                let blocks = filler_hash_blocks(padded_len, padded_len - padding_len);
                assert!(
                    (1..=2).contains(&blocks),
                    "{padded_len} {padding_len}: {blocks}"
                );
            }
        }
    }
}
