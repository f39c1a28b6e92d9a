//! AES-CBC with PKCS#7 padding (RFC 5652 §6.3), for gateways that encrypt their business bodies,
//! and the one construction that has to verify a signature over what it decrypted.
//!
//! Nothing here panics on received data, and no message names the key or the IV.

use super::{HashAlg, Verifier};
use crate::{Error, Result};
use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt};
use aes::cipher::{KeyInit, KeyIvInit};
use aes::{Aes128, Aes192, Aes256};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::{
    Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater, ConstantTimeLess,
};
use zeroize::Zeroizing;

pub(crate) const BLOCK_LEN: usize = 16;

/// An AES key (128, 192 or 256 bits) and its IV, wiped on drop.
pub(crate) struct AesCbc {
    key: Zeroizing<Vec<u8>>,
    iv: Zeroizing<Vec<u8>>,
}

impl AesCbc {
    /// `None` unless the key is 16, 24 or 32 bytes and the IV 16.
    pub(crate) fn new(key: Zeroizing<Vec<u8>>, iv: Zeroizing<Vec<u8>>) -> Option<AesCbc> {
        (matches!(key.len(), 16 | 24 | 32) && iv.len() == BLOCK_LEN).then_some(AesCbc { key, iv })
    }

    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let (key, iv) = (self.key.as_slice(), self.iv.as_slice());
        match key.len() {
            16 => cbc_encrypt::<Aes128>(key, iv, plaintext),
            24 => cbc_encrypt::<Aes192>(key, iv, plaintext),
            _ => cbc_encrypt::<Aes256>(key, iv, plaintext),
        }
        // `new` admits only the three key lengths and a 16-byte IV, which every cipher takes.
        .unwrap_or_default()
    }

    /// Decrypts and strips the padding. Every failure, including a wrong key that happens to leave
    /// valid padding, is `DECRYPT_FAILED`.
    pub(crate) fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>> {
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
        ciphertext: &[u8],
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

    /// CBC-decrypts whole blocks and leaves the padding on, unchecked. The refusals here depend
    /// only on the length of what was received, never on the key.
    fn decrypt_blocks(&self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_LEN) {
            return Err(Error::decrypt_failed(
                "the encrypted body is not a whole number of 16-byte AES blocks",
            ));
        }
        let (key, iv) = (self.key.as_slice(), self.iv.as_slice());
        match key.len() {
            16 => cbc_decrypt_blocks::<Aes128>(key, iv, ciphertext),
            24 => cbc_decrypt_blocks::<Aes192>(key, iv, ciphertext),
            _ => cbc_decrypt_blocks::<Aes256>(key, iv, ciphertext),
        }
        .ok_or_else(|| Error::decrypt_failed("the encrypted body could not be decrypted"))
    }
}

fn cbc_encrypt<C: BlockCipherEncrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let encryptor = cbc::Encryptor::<C>::new_from_slices(key, iv).ok()?;
    Some(encryptor.encrypt_padded_vec::<Pkcs7>(plaintext))
}

/// The padding is left to [`pkcs7_padding`], which reads it in constant time.
fn cbc_decrypt_blocks<C: BlockCipherDecrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    decryptor.decrypt_padded_vec::<NoPadding>(ciphertext).ok()
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
/// as well makes the two hashes together cost the same whatever the padding was. This assumes the
/// verifier hashes the message once, as every provider does (the digest is what it signs over).
fn filler_hash_blocks(padded_len: usize, message_len: usize) -> usize {
    let longest = hash_blocks(padded_len.saturating_sub(1));
    let shortest = hash_blocks(padded_len.saturating_sub(BLOCK_LEN));
    (longest + shortest).saturating_sub(hash_blocks(message_len))
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
            assert_eq!(c.decrypt(&ciphertext).unwrap(), plaintext);
        }
    }

    #[test]
    fn decryption_failures_never_panic() {
        let c = cipher("0123456789abcdef", "abcdef9876543210");
        for bad in [&[][..], &[0u8; 3][..], &[0u8; 16][..], &[0xffu8; 48][..]] {
            let e = c.decrypt(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::DecryptFailed, "{bad:?}");
        }
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
}
