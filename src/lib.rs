//! refundkit builds and signs refund and refund-query requests for WisePay Cloud (and its Japanese
//! reseller N-age), PayerMax, BluePay and BIEASES, and verifies and parses what they send back.
//!
//! The same core serves the npm package (the JavaScript face, `wasm::RefundClient`) and Rust
//! callers through [`Client`]. docs/rust.md in the repository is the Rust guide.
//!
//! # Making a client
//!
//! A [`Client`] holds one gateway account and both keys, checked and imported once. Its config is
//! typed ([`ClientConfig`] with [`WisePayConfig`], [`PayerMaxConfig`], [`BluePayConfig`] or
//! [`BieasesConfig`]) or JSON ([`Config::from_json`], the road the JavaScript face takes); the
//! typed one becomes the same JSON and passes the same checks. A refund is a [`RefundInput`]
//! ([`RefundInput::builder`] or [`RefundInput::from_json`]), a lookup a [`RefundQuery`].
//!
//! # Sending
//!
//! Natively the library does no I/O: [`Client::build_refund`] gives the signed request, any HTTP
//! client sends it, and [`Client::parse_refund_response`] verifies and reads what came back.
//!
//! ```
//! use refundkit::{Client, ClientConfig, Environment, PayerMaxConfig, RawResponse, RefundInput};
//! # fn main() -> refundkit::Result<()> {
//! # let fixture = |name: &str| {
//! #     let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
//! #     std::fs::read_to_string(path).unwrap()
//! # };
//! # let merchant_private_key_pem = fixture("merchant_test_key.pem");
//! # let payermax_public_key_pem = fixture("gateway_test_key.pub.pem");
//! # let now_ms = 1_705_474_883_737;
//! let client = Client::new(ClientConfig::new(
//!     PayerMaxConfig::new(Environment::Sandbox, "your-app-id", "your-merchant-no"),
//!     merchant_private_key_pem,
//!     payermax_public_key_pem,
//! ))?;
//! let input = RefundInput::builder("R-1001", "10.50", "USD")
//!     .original_order_id("O-77")
//!     .build()?;
//! let request = client.build_refund(&input, now_ms)?;
//! assert_eq!(request.url, "https://pay-gate-uat.payermax.com/aggregate-pay/api/gateway/refund");
//!
//! // POST request.body with request.headers to request.url, then hand over the answer as it
//! // came. One without PayerMax's signature is refused before it is read:
//! let body = br#"{"code":"APPLY_SUCCESS","msg":"","data":{"status":"REFUND_SUCCESS"}}"#;
//! let answer = RawResponse::new(Some(200), Vec::new(), body.to_vec());
//! let refused = client.parse_refund_response(&answer).unwrap_err();
//! assert_eq!(refused.code, refundkit::ErrorCode::SignatureMissing);
//! # Ok(())
//! # }
//! ```
//!
//! Compiled to wasm32, `FetchClient` (module `fetch`, wasm32 only) does all of it through the
//! host's `fetch`: `client.refund(&input).await`, with the JavaScript face's own transport.
//!
//! # Features
//!
//! - `rsa` (default): the rsa crate's signer. Without it [`Client::new`] cannot sign, and requests
//!   are signed through [`Client::with_crypto`] and a [`CryptoProvider`] of the caller's; the npm
//!   package is built so and signs with node:crypto or WebCrypto.
//! - `hazmat`: raw primitives for tests and fuzzing, outside the stable API.
//!
//! For wasm32, set `--cfg cpubits="32"` (`.cargo/config.toml`, `[target.wasm32-unknown-unknown]`
//! `rustflags`): the rsa crate's bignum code then uses 32-bit limbs, which wasm32 multiplies natively.

mod bignum;
mod config;
pub mod crypto;
mod error;
mod gateway;
pub mod gateways;
#[cfg(feature = "hazmat")]
pub mod hazmat;
pub mod json;
pub mod keys;
mod money;
mod refund;
mod retry;
mod time;
mod typed;
mod wire;

#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::Config;
pub use crypto::{CryptoProvider, HashAlg, RustCrypto, Signer, Verifier};
pub use error::{Delivery, Error, ErrorCode, Result};
pub use gateway::{
    Draft, Gateway, GatewayInfo, Method, Preset, QueryId, RawResponse, Setting, SignaturePlace,
    SignedRequest,
};
pub use gateways::{gateway_info, gateways};
#[cfg(all(feature = "rsa", not(target_arch = "wasm32")))]
pub use keys::generate_key_pair;
pub use keys::{key_fingerprint, GeneratedKeyPair, PrivateKey, PublicKey};
pub use money::{Amount, Currency};
pub use refund::{Ack, RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus};
pub use typed::{
    BieasesConfig, BieasesKeyEncoding, BieasesSignTarget, BluePayConfig, BluePayTimestampUnit,
    ClientConfig, Environment, GatewayConfig, Host, PayerMaxConfig, RefundInputBuilder,
    WisePayConfig, WisePayEnvironment, WisePayWireFormat,
};

#[cfg(target_arch = "wasm32")]
pub use fetch::FetchClient;
pub use retry::{
    Failed, Lookup, Next, RefundRetry, RetryPolicy, RetryReport, Settled, DEFAULT_ATTEMPTS,
    DEFAULT_BACKOFF_MS, MAX_ATTEMPTS, MAX_BACKOFF_MS,
};

/// The default limit on a received body, 1 MiB. Real refund answers and notifications are a few
/// KiB; the limit bounds the work an unauthenticated sender can cause before any signature check.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// The largest `maxBodyBytes` a config may set, 64 MiB.
const MAX_MAX_BODY_BYTES: usize = 64 << 20;
/// The smallest `maxBodyBytes` a config may set, 1 KiB: below that real answers would be refused.
const MIN_MAX_BODY_BYTES: usize = 1 << 10;

/// A configured gateway with the merchant's key: the native face of the library.
pub struct Client {
    gateway: Box<dyn Gateway>,
    /// `None` when the requests are signed elsewhere (a WebCrypto `CryptoKey` in a browser).
    signer: Option<Box<dyn Signer>>,
    verifier: Box<dyn Verifier>,
    max_body_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("gateway", &self.gateway.info().id)
            .field("signer", &self.signer)
            .field("verifier", &self.verifier)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Client {
    /// Validates the whole config and imports both keys, once, into the RustCrypto provider.
    pub fn new(config: impl Into<Config>) -> Result<Client> {
        Client::with_crypto(config, &RustCrypto)
    }

    /// Like [`Client::new`], with the keys taken into `crypto`: the host's own RSA, where it has
    /// one. The bytes on the wire are the same whichever provider signs.
    pub fn with_crypto(config: impl Into<Config>, crypto: &dyn CryptoProvider) -> Result<Client> {
        Client::from_config(config.into(), crypto, true)
    }

    /// A client whose requests are signed elsewhere: drafts, parsing and verification work;
    /// `sign_draft` does not.
    pub fn with_external_signer(
        config: impl Into<Config>,
        crypto: &dyn CryptoProvider,
    ) -> Result<Client> {
        Client::from_config(config.into(), crypto, false)
    }

    /// Reads and checks the whole config, in one order whichever constructor: the gateway, the
    /// merchant key where this client signs, the gateway key, the limits, then no unknown key.
    fn from_config(mut config: Config, crypto: &dyn CryptoProvider, signs: bool) -> Result<Client> {
        let gateway = gateways::gateway_from_config(&mut config)?;
        let private_key = if signs {
            // The key text is as secret as the key: wiped once imported.
            let text = zeroize::Zeroizing::new(
                config.key_text("privateKey", "the merchant's RSA private key")?,
            );
            Some(PrivateKey::import(&text, "privateKey")?)
        } else {
            None
        };
        let verifier = crypto.verifier(config.gateway_public_key()?)?;
        let max_body_bytes = read_max_body_bytes(&mut config)?;
        config.finish()?;
        Ok(Client {
            gateway,
            signer: private_key.map(|key| crypto.signer(key)).transpose()?,
            verifier,
            max_body_bytes,
        })
    }

    /// The description of this client's gateway.
    pub fn gateway(&self) -> &'static GatewayInfo {
        self.gateway.info()
    }

    /// The longest body, in bytes, this client parses (`maxBodyBytes`, default 1 MiB). Hosts that
    /// copy bodies in (the JavaScript face, a relay) refuse longer ones before copying.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Every receive path passes here first, so no parser ever sees a body over the limit.
    fn check_body_size(&self, received: &RawResponse, what: &str) -> Result<()> {
        if received.body.len() > self.max_body_bytes {
            return Err(Error::body_too_large(what, self.max_body_bytes));
        }
        Ok(())
    }

    /// The refund request with its bytes fixed, waiting for the signature: to sign elsewhere
    /// (another process, an async signer), then [`Draft::finish`]. `now_ms` is the clock, in epoch
    /// milliseconds, for the gateway's timestamps.
    pub fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        self.gateway.draft_refund(input, now_ms)
    }

    /// The refund query as a [`Draft`], like [`Client::draft_refund`].
    pub fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        self.gateway.draft_refund_query(query, now_ms)
    }

    /// Signs a draft's bytes with the merchant key and finishes it.
    pub fn sign_draft(&self, draft: &Draft) -> Result<SignedRequest> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            Error::config_field(
                "privateKey",
                "the private key is a CryptoKey: use the async build functions",
            )
        })?;
        draft.finish(&signer.sign(&draft.message, draft.hash)?)
    }

    /// The signed refund request, to send exactly as it is with any HTTP client. `now_ms` is the
    /// clock, in epoch milliseconds. The refund number is the idempotency key: a retry sends the
    /// same one.
    pub fn build_refund(&self, input: &RefundInput, now_ms: u64) -> Result<SignedRequest> {
        self.sign_draft(&self.draft_refund(input, now_ms)?)
    }

    /// The signed refund query request, like [`Client::build_refund`].
    pub fn build_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<SignedRequest> {
        self.sign_draft(&self.draft_refund_query(query, now_ms)?)
    }

    /// The gateway's answer to a refund, verified over the bytes as they arrived before it is
    /// read. A refusal is `GATEWAY_ERROR`; a refund the gateway reports as failed is a result.
    pub fn parse_refund_response(&self, response: &RawResponse) -> Result<RefundResult> {
        self.check_body_size(response, "response")?;
        self.gateway
            .parse_refund_response(response, self.verifier.as_ref())
    }

    /// The gateway's answer to a refund query: every refund it reports (BluePay may list
    /// several), verified like [`Client::parse_refund_response`].
    pub fn parse_refund_query_response(&self, response: &RawResponse) -> Result<Vec<RefundResult>> {
        self.check_body_size(response, "response")?;
        self.gateway
            .parse_refund_query_response(response, self.verifier.as_ref())
    }

    /// A notification the gateway sent, verified (and, where the gateway dates it, checked
    /// against `now_ms`) before it is read, with the exact reply the gateway expects.
    pub fn verify_notification(
        &self,
        request: &RawResponse,
        now_ms: u64,
    ) -> Result<RefundNotification> {
        self.check_body_size(request, "notification")?;
        self.gateway
            .verify_notification(request, now_ms, self.verifier.as_ref())
    }
}

/// `maxBodyBytes`: a JSON number of bytes.
fn read_max_body_bytes(config: &mut Config) -> Result<usize> {
    let bytes = config.whole_number(
        "maxBodyBytes",
        MIN_MAX_BODY_BYTES as u64,
        MAX_MAX_BODY_BYTES as u64,
        DEFAULT_MAX_BODY_BYTES as u64,
    )?;
    // Bounded by MAX_MAX_BODY_BYTES above, so it fits any usize.
    Ok(bytes as usize)
}
