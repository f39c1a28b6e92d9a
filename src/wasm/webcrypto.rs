//! The async calls' signatures: through WebCrypto (`crypto.subtle`), an order of magnitude faster
//! than RSA in wasm, or in node:crypto's thread pool where the client's key is node:crypto's. PKCS#1
//! v1.5 is deterministic, so every road gives the same signature for the same bytes; where
//! `crypto.subtle` is missing the client's own signer signs instead (see `host_crypto`). The
//! `Crypto` object is the one the package's entry file passed to `__useCrypto`, never looked up on
//! `globalThis`.

use super::host_crypto::{node_crypto_refusal, AsyncKey, SignatureSpot, ThreadPoolKey};
use super::js;
use super::to_js_error;
use crate::crypto::HashAlg;
use crate::keys::{check_generated_bits, key_pair_from_der, GeneratedKeyPair};
use crate::{Client, Draft, Error, Result, SignedRequest};
use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use std::cell::{OnceCell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{CryptoKey, SubtleCrypto};

#[wasm_bindgen]
extern "C" {
    /// A promise made by the platform (here, by `crypto.subtle`).
    pub type PlatformPromise;

    /// `promise.then(onFulfilled, onRejected)`.
    #[wasm_bindgen(method, catch)]
    pub fn then(
        this: &PlatformPromise,
        on_fulfilled: &js_sys::Function,
        on_rejected: &js_sys::Function,
    ) -> std::result::Result<Promise, JsValue>;

    /// The web entries' signature writer (js/wasm-init.mjs).
    pub type SignatureWriter;

    /// `signing`'s signature, `length` bytes in an `ArrayBuffer`, written into `request` as a
    /// [`SignatureSpot`] says: a promise of `request`, or a rejection with [`webcrypto_refusal`]
    /// where WebCrypto refused or answered with anything else.
    #[wasm_bindgen(method, catch, js_name = writeInto)]
    fn write_into(
        this: &SignatureWriter,
        signing: &PlatformPromise,
        length: u32,
        request: &Object,
        header: &JsValue,
        body: &str,
        at: u32,
        form: bool,
    ) -> std::result::Result<Promise, JsValue>;
}

const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";
/// WebCrypto defines eight key usages; a key listing more is not a `CryptoKey`.
const MAX_USAGES: usize = 8;

thread_local! {
    /// The platform's `Crypto`, given by the entry file; undefined until then.
    static CRYPTO: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
    /// The entry's writer of WebCrypto's signatures into requests, where it gave one.
    static WRITER: RefCell<Option<SignatureWriter>> = const { RefCell::new(None) };
}

/// Makes `crypto` the object every later signature and key generation reads `subtle` from.
pub fn use_crypto(crypto: JsValue) {
    CRYPTO.with(|c| *c.borrow_mut() = crypto);
}

/// Makes `writer` write WebCrypto's signatures into the async calls' requests: in JavaScript, where
/// the signature arrives, rather than back in WebAssembly, whose code has gone cold meanwhile.
pub fn use_signature_writer(writer: SignatureWriter) {
    WRITER.with(|w| *w.borrow_mut() = Some(writer));
}

/// The one refusal of a signature WebCrypto would not make or made wrong.
pub fn webcrypto_refusal() -> Error {
    Error::key("privateKey", "WebCrypto could not sign with this key")
}

/// The name WebCrypto gives a digest.
fn webcrypto_hash_name(hash: HashAlg) -> &'static str {
    match hash {
        HashAlg::Sha256 => "SHA-256",
        HashAlg::Sha1 => "SHA-1",
    }
}

/// Signs drafts asynchronously. The merchant key is node:crypto's, or imported into WebCrypto once
/// per client and hash as a non-extractable key; or it is the caller's own `CryptoKey`.
pub struct AsyncSigner {
    external: Option<CryptoKey>,
    /// The merchant key, node:crypto's or to import into WebCrypto; `None` with a caller's
    /// `CryptoKey`.
    key: Option<AsyncKey>,
    /// The merchant key per hash, imported by the first signature that needs it.
    imported: RefCell<Vec<(HashAlg, Import)>>,
    /// The hashes the caller's `CryptoKey` passed [`check_external_key`] for, and its signatures'
    /// length. A `CryptoKey`'s algorithm, usages and type are fixed when it is made, so each is
    /// read once per client rather than on every signature.
    external_fits: RefCell<Vec<HashAlg>>,
    external_len: OnceCell<Option<usize>>,
}

/// A key import under way, which calls made together on a new client all wait for, or its key
/// and the `SubtleCrypto` it belongs to (kept, so a signature does not look it up again).
#[derive(Clone)]
enum Import {
    Pending(Promise),
    Done(CryptoKey, SubtleCrypto),
}

impl AsyncSigner {
    pub fn new(external: Option<JsValue>, key: Option<AsyncKey>) -> AsyncSigner {
        AsyncSigner {
            external: external.map(JsCast::unchecked_into),
            key,
            imported: RefCell::new(Vec::new()),
            external_fits: RefCell::new(Vec::new()),
            external_len: OnceCell::new(),
        }
    }

    /// The platform's promise of `draft`'s signature, and how to check its answer, where the key
    /// is ready: node:crypto's, the caller's `CryptoKey`, or the merchant key once imported. The
    /// caller carries the promise to the finished request itself, with no Rust future in between:
    /// the common case, and the one whose overhead counts. Otherwise (the first signature of a
    /// client, or no `crypto.subtle`) `None`, and [`AsyncSigner::sign`] signs.
    pub fn sign_ready(&self, draft: &Draft) -> Option<(PlatformPromise, SignatureCheck)> {
        let promise = self.sign_with_ready_key(draft)?;
        Some((promise.unchecked_into(), self.check()))
    }

    /// The merchant key as node:crypto's, where the client signs with node:crypto.
    pub fn node_key(&self) -> Option<&ThreadPoolKey> {
        match &self.key {
            Some(AsyncKey::Node(key)) => Some(key),
            _ => None,
        }
    }

    /// What this signer's signatures must be.
    pub fn check(&self) -> SignatureCheck {
        let platform = match self.node_key() {
            Some(_) => Platform::NodeCrypto,
            None => Platform::WebCrypto,
        };
        SignatureCheck {
            platform,
            len: self.signature_len(),
        }
    }

    /// The length of this key's signatures in bytes: the modulus' length.
    fn signature_len(&self) -> Option<usize> {
        match &self.key {
            Some(AsyncKey::Der(key)) => return Some(key.bits() / 8),
            Some(AsyncKey::Node(key)) => return Some(key.signature_len()),
            None => {}
        }
        *self.external_len.get_or_init(|| {
            let algorithm = js::get(self.external.as_ref()?, "algorithm").ok()?;
            let bits = js::get(&algorithm, "modulusLength").ok()?.as_f64()?;
            (bits.fract() == 0.0 && (0.0..=65536.0).contains(&bits))
                .then(|| (bits as usize).div_ceil(8))
        })
    }

    /// [`check_external_key`], once per hash.
    fn check_external(&self, key: &CryptoKey, hash: HashAlg) -> Result<()> {
        if self.external_fits.borrow().contains(&hash) {
            return Ok(());
        }
        check_external_key(key, hash)?;
        self.external_fits.borrow_mut().push(hash);
        Ok(())
    }

    /// The platform's promise of the signature, where the key needs no import first.
    fn sign_with_ready_key(&self, draft: &Draft) -> Option<Promise> {
        if let Some(key) = self.node_key() {
            return key.start_signing(&draft.message, draft.hash).ok();
        }
        let (key, subtle) = match &self.external {
            Some(key) => {
                self.check_external(key, draft.hash).ok()?;
                (key.clone(), subtle()?)
            }
            None => match self.started_import(draft.hash)? {
                Import::Done(key, subtle) => (key, subtle),
                Import::Pending(_) => return None,
            },
        };
        start_signing(&subtle, &key, &draft.message).ok()
    }

    pub async fn sign(&self, client: &Client, draft: Draft) -> Result<SignedRequest> {
        if let Some(key) = self.node_key() {
            let signing = key.start_signing(&draft.message, draft.hash);
            return draft.finish(&signature_of(signing, self.check()).await?);
        }
        let Some(subtle) = subtle() else {
            if self.external.is_some() {
                return Err(Error::config_field(
                    "privateKey",
                    "a CryptoKey was given but this platform has no crypto.subtle to use it",
                ));
            }
            return client.sign_draft(&draft);
        };
        if let Some(key) = &self.external {
            self.check_external(key, draft.hash)?;
        }
        let key = match self.key_for(&subtle, draft.hash).await {
            Some(key) => key,
            // WebCrypto refused a key the rsa crate accepted: sign with the rsa crate.
            None => return client.sign_draft(&draft),
        };
        let signing = start_signing(&subtle, &key, &draft.message);
        draft.finish(&signature_of(signing, self.check()).await?)
    }

    async fn key_for(&self, subtle: &SubtleCrypto, hash: HashAlg) -> Option<CryptoKey> {
        if let Some(key) = &self.external {
            return Some(key.clone());
        }
        let pending = match self.import(subtle, hash)? {
            Import::Done(key, _) => return Some(key),
            Import::Pending(promise) => promise,
        };
        let key: CryptoKey = JsFuture::from(pending).await.ok()?.unchecked_into();
        self.remember(hash, Import::Done(key.clone(), subtle.clone()));
        Some(key)
    }

    fn import(&self, subtle: &SubtleCrypto, hash: HashAlg) -> Option<Import> {
        if let Some(import) = self.started_import(hash) {
            return Some(import);
        }
        let Some(AsyncKey::Der(key)) = &self.key else {
            return None;
        };
        let der = key.pkcs8_der();
        let import = Import::Pending(import_private_key(subtle, der, hash));
        self.remember(hash, import.clone());
        Some(import)
    }

    /// The import of the merchant key for `hash`, where one has begun.
    fn started_import(&self, hash: HashAlg) -> Option<Import> {
        let imported = self.imported.borrow();
        imported
            .iter()
            .find(|(h, _)| *h == hash)
            .map(|(_, import)| import.clone())
    }

    fn remember(&self, hash: HashAlg, import: Import) {
        let mut imported = self.imported.borrow_mut();
        imported.retain(|(h, _)| *h != hash);
        imported.push((hash, import));
    }
}

/// A caller's `CryptoKey` must be an RSASSA-PKCS1-v1_5 private signing key bound to the digest the
/// gateway signs with: WebCrypto takes the digest from the key, so a key imported with another hash
/// would sign without complaint and the gateway would refuse every request.
fn check_external_key(key: &CryptoKey, hash: HashAlg) -> Result<()> {
    let text = |object: &JsValue, name: &'static str| {
        js::get(object, name).ok().and_then(|v| v.as_string())
    };
    let algorithm = js::get(key, "algorithm").unwrap_or_default();
    if text(&algorithm, "name").as_deref() != Some(ALGORITHM) {
        return Err(Error::key(
            "privateKey",
            "the CryptoKey must be an RSASSA-PKCS1-v1_5 key (importKey with { name: 'RSASSA-PKCS1-v1_5', hash })",
        ));
    }
    let can_sign = js::get(key, "usages")
        .and_then(|usages| js::items(&usages, MAX_USAGES))
        .is_ok_and(|usages| {
            usages
                .iter()
                .any(|u| u.as_string().as_deref() == Some("sign"))
        });
    if text(key, "type").as_deref() != Some("private") || !can_sign {
        return Err(Error::key(
            "privateKey",
            "the CryptoKey must be a private key with the 'sign' usage",
        ));
    }
    let key_hash = js::get(&algorithm, "hash")
        .ok()
        .and_then(|h| text(&h, "name"));
    let needed = webcrypto_hash_name(hash);
    if key_hash.as_deref() != Some(needed) {
        return Err(Error::key(
            "privateKey",
            format!(
                "this gateway signs with {needed} but the CryptoKey was imported for another hash: \
                 import it with {{ name: 'RSASSA-PKCS1-v1_5', hash: '{needed}' }}"
            ),
        ));
    }
    Ok(())
}

/// `subtle` of the `Crypto` the entry file gave, where it has one.
fn subtle() -> Option<SubtleCrypto> {
    let crypto = CRYPTO.with(|c| c.borrow().clone());
    if !crypto.is_object() {
        return None;
    }
    let subtle = js::get(&crypto, "subtle").ok()?;
    subtle.is_object().then(|| subtle.unchecked_into())
}

fn algorithm(hash: HashAlg) -> Object {
    let algorithm = Object::new();
    let _ = Reflect::set(&algorithm, &"name".into(), &ALGORITHM.into());
    let _ = Reflect::set(
        &algorithm,
        &"hash".into(),
        &webcrypto_hash_name(hash).into(),
    );
    algorithm
}

/// Starts importing a PKCS#8 key as a non-extractable signing key; the promise rejects where
/// WebCrypto refuses the key.
fn import_private_key(subtle: &SubtleCrypto, der: &[u8], hash: HashAlg) -> Promise {
    let bytes = Uint8Array::from(der);
    let usages = Array::of1(&"sign".into());
    let import = subtle.import_key_with_object("pkcs8", &bytes, &algorithm(hash), false, &usages);
    future_to_promise(async move {
        let key = match import {
            Ok(promise) => JsFuture::from(js::settled(&promise)).await,
            Err(error) => Err(error),
        };
        // The JavaScript copy of the key bytes is no longer needed.
        bytes.fill(0, 0, bytes.length());
        key
    })
}

/// Who answers an async signature.
#[derive(Clone, Copy)]
enum Platform {
    /// `crypto.subtle.sign`: an `ArrayBuffer`, or a rejection with a `DOMException`.
    WebCrypto,
    /// node:crypto's `sign` in the thread pool: a `Buffer`, or a rejection with an `Error`.
    NodeCrypto,
}

/// What a platform's answer must be to count as the signature.
#[derive(Clone, Copy)]
pub struct SignatureCheck {
    platform: Platform,
    /// The key's modulus length in bytes, where known.
    len: Option<usize>,
}

impl SignatureCheck {
    /// The one refusal of a signature the platform would not make or made wrong.
    pub fn refusal(&self) -> Error {
        match self.platform {
            Platform::WebCrypto => webcrypto_refusal(),
            Platform::NodeCrypto => node_crypto_refusal(),
        }
    }

    /// WebCrypto's `signing` carried to `request` by the entry's writer, which checks the
    /// signature as [`SignatureCheck::signature`] does and writes it at `spot`; `None` where the
    /// entry gave no writer, the signature is not WebCrypto's, or its length is not known.
    pub fn write_into(
        &self,
        signing: &PlatformPromise,
        request: &Object,
        spot: SignatureSpot,
    ) -> Option<Promise> {
        let length = match (self.platform, self.len) {
            (Platform::WebCrypto, Some(length)) => u32::try_from(length).ok()?,
            _ => return None,
        };
        WRITER.with(|writer| {
            let writer = writer.borrow();
            let writer = writer.as_ref()?;
            let written = spot.pass(|header, body, at, form| {
                writer.write_into(signing, length, request, header, body, at, form)
            });
            Some(written.unwrap_or_else(|_| Promise::reject(&to_js_error(self.refusal()))))
        })
    }

    /// The platform's answer to a signature, fulfilled or rejected, as the signature: bytes of the
    /// platform's kind, as long as the key's modulus, as RSASSA-PKCS1-v1_5 makes them. Neither
    /// platform rejects with that kind of bytes, so one function can take both outcomes (and is
    /// then called exactly once, and freed).
    pub fn signature(&self, outcome: &JsValue) -> Result<Vec<u8>> {
        let bytes = match self.platform {
            Platform::WebCrypto if outcome.is_instance_of::<ArrayBuffer>() => {
                Uint8Array::new(outcome)
            }
            // A copy by the array's own length: a `length` getter of a subclass is not asked.
            Platform::NodeCrypto if outcome.is_instance_of::<Uint8Array>() => {
                js::own_bytes(outcome).map_err(|_| self.refusal())?
            }
            _ => return Err(self.refusal()),
        };
        let signature = js::copy_own_bytes(&bytes);
        match self.len {
            Some(length) if length == signature.len() => Ok(signature),
            _ => Err(self.refusal()),
        }
    }
}

/// WebCrypto's promise of `message`'s signature with `key`.
fn start_signing(
    subtle: &SubtleCrypto,
    key: &CryptoKey,
    message: &[u8],
) -> std::result::Result<Promise, JsValue> {
    subtle.sign_with_str_and_buffer_source(ALGORITHM, key, &Uint8Array::from(message))
}

/// The signature a platform's promise brings, as `check` takes it.
async fn signature_of(
    signing: std::result::Result<Promise, JsValue>,
    check: SignatureCheck,
) -> Result<Vec<u8>> {
    let promise = signing.map_err(|_| check.refusal())?;
    let outcome = JsFuture::from(js::settled(&promise))
        .await
        .map_err(|_| check.refusal())?;
    check.signature(&outcome)
}

/// Generates a key pair through WebCrypto; `None` where the platform has no `crypto.subtle`.
pub async fn generate_key_pair(bits: usize) -> Option<Result<GeneratedKeyPair>> {
    if let Err(e) = check_generated_bits(bits) {
        return Some(Err(e));
    }
    let subtle = subtle()?;
    let params = algorithm(HashAlg::Sha256);
    let _ = Reflect::set(&params, &"modulusLength".into(), &(bits as u32).into());
    let exponent = Uint8Array::from(&[1u8, 0, 1][..]);
    let _ = Reflect::set(&params, &"publicExponent".into(), &exponent);
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let generating = subtle
        .generate_key_with_object(&params, true, &usages)
        .ok()?;
    let pair = JsFuture::from(js::settled(&generating)).await.ok()?;
    let private_key: CryptoKey = js::get(&pair, "privateKey").ok()?.unchecked_into();
    let public_key: CryptoKey = js::get(&pair, "publicKey").ok()?.unchecked_into();
    let pkcs8 = export(&subtle, "pkcs8", &private_key).await?;
    let spki = export(&subtle, "spki", &public_key).await?;
    Some(Ok(key_pair_from_der(&pkcs8, &spki)))
}

async fn export(
    subtle: &SubtleCrypto,
    format: &str,
    key: &CryptoKey,
) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let exporting = subtle.export_key(format, key).ok()?;
    let buffer = JsFuture::from(js::settled(&exporting)).await.ok()?;
    // A view of the exported ArrayBuffer, so that wiping it wipes the JavaScript copy.
    let view = js::own_bytes(&buffer).ok()?;
    let bytes = zeroize::Zeroizing::new(js::copy_own_bytes(&view));
    view.fill(0, 0, view.length());
    Some(bytes)
}
