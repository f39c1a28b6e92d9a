//! The crypto provider of the wasm face: the host's own RSA wherever it has one.
//!
//! - **node:crypto** (the Node entry hands the module in, and so do the browser entries where Node,
//!   Deno or Bun runs them): keys become native `KeyObject`s, and signing and verifying run
//!   synchronously in OpenSSL; the async calls sign in node:crypto's thread pool, so the event loop
//!   goes on meanwhile. The private key then lives outside WebAssembly memory.
//! - **Elsewhere** (browsers, workers): signatures are checked in Rust, and the merchant key is kept
//!   as checked PKCS#8 DER, shared with the client's [`AsyncSigner`](super::webcrypto::AsyncSigner),
//!   which signs through WebCrypto. Synchronous signing goes to the rsa crate where this build has
//!   it, or to the RSA fallback module the browser entry loads on request.
//!
//! PKCS#1 v1.5 is deterministic: every road gives the same signature for the same bytes.

use super::js::known_string;
use crate::crypto::{CryptoProvider, HashAlg, Signer, Verifier};
use crate::keys::numbers_do_not_fit;
use crate::{Error, PrivateKey, PublicKey, Result};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The `node:crypto` module.
    #[derive(Clone, Debug)]
    pub type NodeCrypto;

    #[wasm_bindgen(method, catch, js_name = createPrivateKey)]
    fn create_private_key(
        this: &NodeCrypto,
        options: &Object,
    ) -> std::result::Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = createPublicKey)]
    fn create_public_key(
        this: &NodeCrypto,
        options: &Object,
    ) -> std::result::Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn sign(
        this: &NodeCrypto,
        algorithm: &str,
        data: &[u8],
        key: &JsValue,
    ) -> std::result::Result<Uint8Array, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &NodeCrypto,
        algorithm: &str,
        data: &[u8],
        key: &JsValue,
        signature: &[u8],
    ) -> std::result::Result<bool, JsValue>;

    /// The entries' signer in node:crypto's thread pool (`threadPoolSigner` of js/signature.mjs).
    #[derive(Clone, Debug)]
    pub type ThreadPool;

    /// `(algorithm, data, key) => Promise<Uint8Array>`: the signature.
    #[wasm_bindgen(method, catch, js_name = sign)]
    fn pool_sign(
        this: &ThreadPool,
        algorithm: &JsValue,
        data: &Uint8Array,
        key: &JsValue,
    ) -> std::result::Result<Promise, JsValue>;

    /// The signature written into `request`, as [`SignatureSpot`] says, and the request: a promise
    /// of `request`, or a rejection with [`node_crypto_refusal`] where node:crypto refused or
    /// answered with anything but `length` bytes.
    #[wasm_bindgen(method, catch, js_name = signInto)]
    fn pool_sign_into(
        this: &ThreadPool,
        algorithm: &JsValue,
        data: &Uint8Array,
        key: &JsValue,
        length: u32,
        request: &Object,
        header: &JsValue,
        body: &str,
        at: u32,
        form: bool,
    ) -> std::result::Result<Promise, JsValue>;

    /// A merchant key taken into the RSA fallback module (`FallbackKey` of refundkit's fallback).
    #[derive(Clone, Debug)]
    pub type FallbackKey;

    #[wasm_bindgen(method, catch, js_name = sign)]
    fn fallback_sign(
        this: &FallbackKey,
        hash: &str,
        message: &[u8],
    ) -> std::result::Result<Vec<u8>, JsValue>;
}

thread_local! {
    /// node:crypto, where the entry file handed it in, and its signer in the thread pool.
    static NODE_CRYPTO: RefCell<Option<(NodeCrypto, ThreadPool)>> = const { RefCell::new(None) };
    /// The RSA fallback module's key class, where the browser entry loaded it.
    static FALLBACK_KEY: RefCell<Option<Function>> = const { RefCell::new(None) };
}

pub fn use_node_crypto(module: NodeCrypto, thread_pool: ThreadPool) {
    NODE_CRYPTO.with(|c| *c.borrow_mut() = Some((module, thread_pool)));
}

pub fn use_rsa_fallback(key_class: Function) {
    FALLBACK_KEY.with(|c| *c.borrow_mut() = Some(key_class));
}

fn node_crypto() -> Option<(NodeCrypto, ThreadPool)> {
    NODE_CRYPTO.with(|c| c.borrow().clone())
}

/// OpenSSL's names of the digests.
fn node_hash_name(hash: HashAlg) -> &'static str {
    match hash {
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha1 => "sha1",
    }
}

/// What every client of the wasm face is made with. It remembers the merchant key it was given
/// in the form the async signer takes it.
#[derive(Default)]
pub struct HostCrypto {
    async_key: RefCell<Option<AsyncKey>>,
}

impl HostCrypto {
    /// The merchant key for the async calls, where the client was given one to import.
    pub fn take_async_key(&self) -> Option<AsyncKey> {
        self.async_key.borrow_mut().take()
    }
}

/// The merchant key as the async calls sign with it.
pub enum AsyncKey {
    /// Checked PKCS#8 DER in WebAssembly memory, imported into WebCrypto on first use.
    Der(Rc<PrivateKey>),
    /// node:crypto's `KeyObject`, signed with in node:crypto's thread pool.
    Node(ThreadPoolKey),
}

/// The one refusal of a signature node:crypto would not make or made wrong.
pub fn node_crypto_refusal() -> Error {
    Error::key("privateKey", "node:crypto could not sign with this key")
}

/// Where an entry's JavaScript writes a signature into a request it was handed: a header, or the
/// body (the signature inserted at a UTF-16 offset, percent-encoded in a form value).
pub enum SignatureSpot<'a> {
    Header(&'a JsValue),
    Body { body: &'a str, at: u32, form: bool },
}

impl SignatureSpot<'_> {
    /// Calls `write` with the spot as the entries' writers take it: `(header, body, at, form)`,
    /// the header `undefined` where the signature goes into the body.
    pub fn pass<R>(&self, write: impl FnOnce(&JsValue, &str, u32, bool) -> R) -> R {
        match *self {
            SignatureSpot::Header(name) => write(name, "", 0, false),
            SignatureSpot::Body { body, at, form } => write(&JsValue::UNDEFINED, body, at, form),
        }
    }
}

/// A node:crypto `KeyObject` and the entry's signer that signs with it in the thread pool.
pub struct ThreadPoolKey {
    pool: ThreadPool,
    key: JsValue,
    bits: usize,
}

impl ThreadPoolKey {
    /// node:crypto's promise of `message`'s signature: a `Uint8Array`. The bytes go in a
    /// JavaScript copy, as a view of WebAssembly memory could move while the thread pool reads it.
    pub fn start_signing(
        &self,
        message: &[u8],
        hash: HashAlg,
    ) -> std::result::Result<Promise, JsValue> {
        let algorithm = known_string(node_hash_name(hash));
        self.pool
            .pool_sign(&algorithm, &Uint8Array::from(message), &self.key)
    }

    /// node:crypto's promise of `request`, with `message`'s signature written at `spot` by the
    /// entry's signer, in the callback that brings the signature: after the wait, in code gone cold,
    /// the request is finished without a call into WebAssembly.
    pub fn start_signing_into(
        &self,
        message: &[u8],
        hash: HashAlg,
        request: &Object,
        spot: SignatureSpot,
    ) -> std::result::Result<Promise, JsValue> {
        spot.pass(|header, body, at, form| {
            self.pool.pool_sign_into(
                &known_string(node_hash_name(hash)),
                &Uint8Array::from(message),
                &self.key,
                self.signature_len() as u32,
                request,
                header,
                body,
                at,
                form,
            )
        })
    }

    /// The length of this key's signatures in bytes.
    pub fn signature_len(&self) -> usize {
        self.bits / 8
    }
}

impl CryptoProvider for HostCrypto {
    fn signer(&self, key: PrivateKey) -> Result<Box<dyn Signer>> {
        // No host checks the numbers as it imports them (OpenSSL even signs correctly with a wrong
        // prime, recomputing without the CRT values; WebCrypto and the fallback module look only
        // when they first sign), so a key whose primes do not make its modulus is refused here,
        // when the client is made, on every road alike. (The rsa crate also checks the private
        // exponent as it takes the key; OpenSSL checks each CRT signature against the public key
        // and recomputes a wrong one with the private exponent.)
        key.check_primes()?;
        if let Some((node, pool)) = node_crypto() {
            let node_key = NodeKey::private(node, &key)?;
            *self.async_key.borrow_mut() = Some(AsyncKey::Node(ThreadPoolKey {
                pool,
                key: node_key.key.clone(),
                bits: node_key.bits,
            }));
            return Ok(Box::new(node_key));
        }
        let key = Rc::new(key);
        *self.async_key.borrow_mut() = Some(AsyncKey::Der(key.clone()));
        Ok(Box::new(SharedKey {
            key,
            fallback: OnceCell::new(),
        }))
    }

    fn verifier(&self, key: PublicKey) -> Result<Box<dyn Verifier>> {
        match node_crypto() {
            Some((node, _)) => Ok(Box::new(NodeKey::public(node, &key)?)),
            None => Ok(Box::new(key)),
        }
    }
}

/// A `KeyObject` of node:crypto.
struct NodeKey {
    node: NodeCrypto,
    key: JsValue,
    bits: usize,
}

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeKey(RSA-{})", self.bits)
    }
}

impl NodeKey {
    fn private(node: NodeCrypto, key: &PrivateKey) -> Result<NodeKey> {
        let refused = || Error::key("privateKey", "node:crypto could not import the private key");
        let object = der_options(key.pkcs8_der(), "pkcs8");
        let imported = node.create_private_key(&object.0).map_err(|_| refused());
        object.wipe();
        let node_key = NodeKey {
            node,
            key: imported?,
            bits: key.bits(),
        };
        Ok(node_key)
    }

    fn public(node: NodeCrypto, key: &PublicKey) -> Result<NodeKey> {
        let object = der_options(key.spki_der(), "spki");
        let key_object = node.create_public_key(&object.0).map_err(|_| {
            Error::key(
                "gatewayPublicKey",
                "node:crypto could not import the public key",
            )
        })?;
        Ok(NodeKey {
            node,
            key: key_object,
            bits: key.bits(),
        })
    }
}

impl Signer for NodeKey {
    fn sign(&self, message: &[u8], hash: HashAlg) -> Result<Vec<u8>> {
        self.node
            .sign(node_hash_name(hash), message, &self.key)
            .map(|signature| signature.to_vec())
            .map_err(|_| node_crypto_refusal())
    }
}

impl Verifier for NodeKey {
    /// OpenSSL checks PKCS#1 v1.5 by encoding the expected block and comparing it whole (RFC 8017
    /// §8.2.2), as the Rust verifier does; the JavaScript tests hold the two to the same verdicts.
    fn verify(&self, message: &[u8], signature: &[u8], hash: HashAlg) -> Result<()> {
        match self
            .node
            .verify(node_hash_name(hash), message, &self.key, signature)
        {
            Ok(true) => Ok(()),
            _ => Err(Error::signature_invalid(
                "the signature does not match the message and the gateway's public key",
            )),
        }
    }
}

/// `{ key, format: 'der', type }` for node:crypto's key constructors, with the key bytes in a
/// JavaScript copy that is wiped once the import has read it.
struct DerOptions(Object, Uint8Array);

impl DerOptions {
    fn wipe(self) {
        self.1.fill(0, 0, self.1.length());
    }
}

fn der_options(der: &[u8], kind: &str) -> DerOptions {
    let bytes = Uint8Array::from(der);
    let options = Object::new();
    let _ = Reflect::set(&options, &"key".into(), &bytes);
    let _ = Reflect::set(&options, &"format".into(), &"der".into());
    let _ = Reflect::set(&options, &"type".into(), &kind.into());
    DerOptions(options, bytes)
}

/// A merchant key in WebAssembly memory, shared with the async signer. Synchronous signatures come
/// from the rsa crate where this build has it, else from the fallback module's key, made on first use.
struct SharedKey {
    key: Rc<PrivateKey>,
    #[cfg_attr(feature = "rsa", allow(dead_code))]
    fallback: OnceCell<FallbackKey>,
}

impl std::fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedKey({:?})", self.key)
    }
}

impl Signer for SharedKey {
    #[cfg(feature = "rsa")]
    fn sign(&self, message: &[u8], hash: HashAlg) -> Result<Vec<u8>> {
        self.key.sign(message, hash)
    }

    #[cfg(not(feature = "rsa"))]
    fn sign(&self, message: &[u8], hash: HashAlg) -> Result<Vec<u8>> {
        let key = match self.fallback.get() {
            Some(key) => key,
            None => {
                let made = fallback_key(&self.key)?;
                self.fallback.get_or_init(|| made)
            }
        };
        key.fallback_sign(node_hash_name(hash), message)
            .map_err(|_| {
                Error::key(
                    "privateKey",
                    "the RSA fallback could not sign with this key",
                )
            })
    }
}

/// The merchant key taken into the fallback module, or a refusal that says how to load it.
#[cfg_attr(feature = "rsa", allow(dead_code))]
fn fallback_key(key: &PrivateKey) -> Result<FallbackKey> {
    let class = FALLBACK_KEY.with(|c| c.borrow().clone()).ok_or_else(|| {
        Error::config_field(
            "privateKey",
            "synchronous signing in the browser needs the RSA fallback module: call await \
             init(undefined, { syncSigning: true }) once, or use buildRefundAsync and refund(), which sign \
             through WebCrypto",
        )
    })?;
    let der = Uint8Array::from(key.pkcs8_der());
    let made = Reflect::construct(&class, &Array::of1(&der));
    der.fill(0, 0, der.length());
    made.map(JsCast::unchecked_into)
        .map_err(|_| numbers_do_not_fit("privateKey"))
}
