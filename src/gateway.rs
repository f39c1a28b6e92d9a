//! The Gateway trait every gateway module implements, the request and response shapes it works with,
//! and the registry of gateways by id.
//!
//! Building a request is split in two: the gateway drafts it (wire fields, one serialization, and the
//! exact bytes to sign), a signer signs those bytes (the rsa crate, or WebCrypto on the async path), and
//! the draft is finished with the signature. The bytes are never serialized again in between.

use crate::config::Config;
use crate::refund::{RefundInput, RefundNotification, RefundQuery, RefundResult};
use crate::signature::HashAlg;
use crate::{Error, Result};
use serde::Serialize;

/// A request ready for `fetch(url, { method, headers, body })`. `body` is exactly what was signed
/// or canonicalized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedRequest {
    pub url: String,
    pub method: &'static str,
    /// Header names and values, in the order they are set.
    #[serde(serialize_with = "serialize_pairs")]
    pub headers: Vec<(String, String)>,
    pub body: String,
}

fn serialize_pairs<S: serde::Serializer>(
    pairs: &[(String, String)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (k, v) in pairs {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// What came back over HTTP (or arrived as a notification): the raw body bytes and the headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawResponse {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn new(status: Option<u16>, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        RawResponse {
            status,
            headers,
            body,
        }
    }

    /// A header by name, in any letter case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> Result<&str> {
        std::str::from_utf8(&self.body).map_err(|_| Error::malformed("the body is not valid UTF-8"))
    }
}

/// A request whose bytes are fixed and which waits only for its signature.
pub struct Draft {
    /// The exact bytes to sign: a body, a `param` string, a canonical string or a ciphertext.
    pub message: Vec<u8>,
    pub hash: HashAlg,
    assemble: Box<dyn FnOnce(String) -> SignedRequest>,
}

impl Draft {
    /// `assemble` receives the base64 signature and places it where the gateway expects it.
    pub fn new(
        message: Vec<u8>,
        hash: HashAlg,
        assemble: impl FnOnce(String) -> SignedRequest + 'static,
    ) -> Draft {
        Draft {
            message,
            hash,
            assemble: Box::new(assemble),
        }
    }

    pub fn finish(self, signature_b64: String) -> SignedRequest {
        (self.assemble)(signature_b64)
    }
}

/// One payment gateway: its wire format, its signature rules and its status words.
pub trait Gateway {
    /// The id callers use in `config.gateway`.
    fn id(&self) -> &'static str;
    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft>;
    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft>;
    fn parse_refund_response(&self, response: &RawResponse) -> Result<RefundResult>;
    fn parse_refund_query_response(&self, response: &RawResponse) -> Result<Vec<RefundResult>>;
    fn verify_notification(&self, request: &RawResponse, now_ms: u64)
        -> Result<RefundNotification>;
}

type Constructor = fn(&mut Config) -> Result<Box<dyn Gateway>>;

/// Every gateway by id. Adding a gateway is one file under gateways/ and one line here.
const REGISTRY: &[(&str, Constructor)] = &[
    ("wisepay", crate::gateways::wisepay::from_config),
    ("payermax", crate::gateways::payermax::from_config),
    ("bluepay", crate::gateways::bluepay::from_config),
    ("bieases", crate::gateways::bieases::from_config),
];

/// The ids of all supported gateways.
pub fn gateway_ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|(id, _)| *id).collect()
}

/// Builds the gateway named by `config.gateway` from the rest of the config.
pub fn gateway_from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let id = config.optional("gateway")?.unwrap_or_default();
    let supported = gateway_ids().join(", ");
    let constructor = REGISTRY
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, c)| c)
        .ok_or_else(|| {
            let shown = if id.is_empty() {
                "config.gateway is required".to_string()
            } else {
                format!("unknown gateway '{}'", crate::wire::printable_key(&id))
            };
            Error::config_field("gateway", format!("{shown}; supported: {supported}"))
        })?;
    constructor(config)
}
