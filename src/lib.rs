//! refundkit builds and signs refund and refund-query requests for WisePay Cloud (and its Japanese
//! reseller N-age), PayerMax, BluePay and BIEASES, and verifies and parses what they send back.
//!
//! The same core serves the WebAssembly package (see `wasm/`) and native Rust callers through
//! [`Client`].

pub mod config;
pub mod error;
pub mod gateway;
pub mod gateways;
pub mod keys;
pub mod money;
pub mod refund;
pub mod signature;
pub mod time;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::Config;
pub use error::{Error, ErrorCode, Result};
pub use gateway::{Draft, Gateway, RawResponse, SignedRequest};
pub use keys::{generate_key_pair, key_fingerprint, PrivateKey, PublicKey};
pub use refund::{RefundInput, RefundNotification, RefundQuery, RefundResult, RefundStatus};

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
    /// `None` when the private key lives outside Rust (a WebCrypto `CryptoKey` in a browser).
    private_key: Option<PrivateKey>,
    max_body_bytes: usize,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("gateway", &self.gateway.id())
            .field("private_key", &self.private_key)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl Client {
    /// Validates the whole config and imports both keys, once.
    pub fn new(mut config: Config) -> Result<Client> {
        let gateway = gateway::gateway_from_config(&mut config)?;
        // The key text is as secret as the key: wiped once imported.
        let text = zeroize::Zeroizing::new(
            config.key_text("privateKey", "the merchant's RSA private key")?,
        );
        let private_key = PrivateKey::import(&text, "privateKey")?;
        let max_body_bytes = read_max_body_bytes(&mut config)?;
        config.finish()?;
        Ok(Client {
            gateway,
            private_key: Some(private_key),
            max_body_bytes,
        })
    }

    /// A client whose requests are signed elsewhere: only drafts, parsing and verification work.
    pub fn with_external_signer(mut config: Config) -> Result<Client> {
        let gateway = gateway::gateway_from_config(&mut config)?;
        let max_body_bytes = read_max_body_bytes(&mut config)?;
        config.finish()?;
        Ok(Client {
            gateway,
            private_key: None,
            max_body_bytes,
        })
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

    pub fn gateway_id(&self) -> &'static str {
        self.gateway.id()
    }

    pub fn private_key(&self) -> Option<&PrivateKey> {
        self.private_key.as_ref()
    }

    pub fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft> {
        self.gateway.draft_refund(input, now_ms)
    }

    pub fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft> {
        self.gateway.draft_refund_query(query, now_ms)
    }

    /// Signs a draft's bytes with the merchant key and finishes it.
    pub fn sign_draft(&self, draft: Draft) -> Result<SignedRequest> {
        let key = self.private_key.as_ref().ok_or_else(|| {
            Error::config_field(
                "privateKey",
                "the private key is a CryptoKey: use the async build functions",
            )
        })?;
        let signature = signature::sign(key, &draft.message, draft.hash)?;
        Ok(draft.finish(signature))
    }

    pub fn build_refund(&self, input: &RefundInput, now_ms: u64) -> Result<SignedRequest> {
        self.sign_draft(self.draft_refund(input, now_ms)?)
    }

    pub fn build_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<SignedRequest> {
        self.sign_draft(self.draft_refund_query(query, now_ms)?)
    }

    pub fn parse_refund_response(&self, response: &RawResponse) -> Result<RefundResult> {
        self.check_body_size(response, "response")?;
        self.gateway.parse_refund_response(response)
    }

    pub fn parse_refund_query_response(&self, response: &RawResponse) -> Result<Vec<RefundResult>> {
        self.check_body_size(response, "response")?;
        self.gateway.parse_refund_query_response(response)
    }

    pub fn verify_notification(
        &self,
        request: &RawResponse,
        now_ms: u64,
    ) -> Result<RefundNotification> {
        self.check_body_size(request, "notification")?;
        self.gateway.verify_notification(request, now_ms)
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
