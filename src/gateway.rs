//! What a gateway module implements, and the request and response shapes it works with.
//!
//! Building a request is split in two: the gateway drafts it (URL, headers, the body with a place
//! left for the signature, and the exact bytes to sign), a signer signs those bytes (the client's
//! provider, or WebCrypto on the async path, or another process entirely: a `Draft` is plain data),
//! and the draft is finished with the signature. The bytes are never serialized again in between.
//! Receiving is the mirror image: the gateway names the bytes, signature and digest a message
//! stands on and hands them to the client's [`Verifier`]; it never holds a key.

use crate::crypto::{HashAlg, Verifier};
use crate::json::{ObjectWriter, ToJson};
use crate::refund::{RefundInput, RefundNotification, RefundQuery, RefundResult};
use crate::{Error, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// A request ready for `fetch(url, { method, headers, body })`. `body` is exactly what was signed
/// or canonicalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    pub method: &'static str,
    /// Header names and values, in the order they are set.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// `{ url, method, headers, body }`, the headers as an object.
impl ToJson for SignedRequest {
    fn write_json(&self, out: &mut String) {
        let mut request = ObjectWriter::new(out);
        request
            .member("url", &self.url)
            .member("method", self.method);
        request.object("headers", |headers| {
            for (name, value) in &self.headers {
                headers.member(name, value);
            }
        });
        request.member("body", &self.body);
        request.finish();
    }
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

/// The HTTP method of every gateway call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    #[serde(rename = "POST")]
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
        }
    }
}

/// Where a finished request carries its signature, written as standard base64 (every gateway here
/// writes it so).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "in", rename_all = "camelCase")]
pub enum SignaturePlace {
    /// In a header of this name.
    Header { name: String },
    /// Inside the body, at this byte offset: between the quotes of a JSON string the gateway left
    /// empty for it (base64 needs no escaping there).
    Body { offset: usize },
    /// Inside a form-encoded body, at this byte offset: the value of a field the gateway left
    /// empty. The base64 is percent-encoded there (`+` `/` `=` as `%2B` `%2F` `%3D`), as
    /// application/x-www-form-urlencoded requires, or `+` would read as a space.
    FormValue { offset: usize },
}

/// A gateway's endpoint: its base URL and then the path.
pub fn endpoint(base_url: &str, path: &str) -> String {
    let mut url = String::with_capacity(base_url.len() + path.len());
    url.push_str(base_url);
    url.push_str(path);
    url
}

impl SignaturePlace {
    /// The signature as the request carries it here: standard base64, percent-encoded in a form
    /// value.
    pub fn encode(&self, signature: &[u8]) -> String {
        let base64 = STANDARD.encode(signature);
        match self {
            SignaturePlace::FormValue { .. } => base64
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D"),
            SignaturePlace::Header { .. } | SignaturePlace::Body { .. } => base64,
        }
    }
}

/// A request whose bytes are fixed and which waits only for its signature. Plain data: it can be
/// kept, compared, serialized and signed in another process; it holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub url: String,
    pub method: Method,
    pub headers: Vec<(String, String)>,
    /// The body without its signature (see `signature_place`).
    pub body: String,
    /// The exact bytes to sign: the body, a `param` string, a canonical string or a ciphertext.
    #[serde(with = "base64_bytes")]
    pub message: Vec<u8>,
    pub hash: HashAlg,
    pub signature_place: SignaturePlace,
}

impl Draft {
    /// A POST of a JSON body whose signature goes between the quotes at `offset`, the slot an
    /// [`ObjectWriter`] left for it.
    pub(crate) fn with_json_body(
        url: String,
        headers: Vec<(String, String)>,
        body: String,
        offset: usize,
        message: Vec<u8>,
        hash: HashAlg,
    ) -> Draft {
        Draft {
            url,
            method: Method::Post,
            headers,
            body,
            message,
            hash,
            signature_place: SignaturePlace::Body { offset },
        }
    }

    /// The request with `signature` written where the gateway expects it. Fails only for a draft
    /// that was not made by a gateway module (an offset outside the body, or inside a character).
    pub fn finish(&self, signature: &[u8]) -> Result<SignedRequest> {
        let signature = self.signature_place.encode(signature);
        let mut headers = self.headers.clone();
        let mut body = self.body.clone();
        match &self.signature_place {
            SignaturePlace::Header { name } => headers.push((name.clone(), signature)),
            SignaturePlace::Body { offset } | SignaturePlace::FormValue { offset }
                if body.is_char_boundary(*offset) =>
            {
                body.insert_str(*offset, &signature)
            }
            SignaturePlace::Body { .. } | SignaturePlace::FormValue { .. } => {
                return Err(Error::input(
                    "draft",
                    "the draft's signature offset does not fall inside its body",
                ))
            }
        }
        Ok(SignedRequest {
            url: self.url.clone(),
            method: self.method.as_str(),
            headers,
            body,
        })
    }
}

/// `Vec<u8>` as standard base64 in serialized drafts.
mod base64_bytes {
    use super::STANDARD;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// What a gateway is and takes, as data.
#[derive(Debug)]
pub struct GatewayInfo {
    /// The id callers put in `config.gateway`.
    pub id: &'static str,
    /// The gateway's name as people write it.
    pub name: &'static str,
    /// Named environments and their base URLs; empty where the gateway issues each merchant its
    /// own host, and `baseUrl` is then required.
    pub presets: &'static [Preset],
    /// The config settings this gateway takes besides `gateway`, `environment`, `baseUrl`, the two
    /// keys and the host settings (`fetch`, `timeoutMs`, `maxBodyBytes`).
    pub settings: &'static [Setting],
    /// Every path, below the base URL, a request of this gateway is sent to: what a relay may
    /// forward and nothing else.
    pub paths: &'static [&'static str],
    /// The ids a refund query can find a refund by, in the order the gateway prefers them.
    pub query_by: &'static [QueryId],
    /// The gateway's codes for "no such refund" (or no such payment, which has no refunds either)
    /// in answer to a refund query: safe retries resend a refund only after one of these.
    pub no_such_refund_codes: &'static [&'static str],
    /// The gateway's codes for a refund refused because its number was used before: safe retries
    /// then look the refund up instead of failing.
    pub refund_number_used_codes: &'static [&'static str],
    /// How far a notification's own time may be from the receiver's clock, where the gateway dates
    /// its notifications.
    pub notification_window_ms: Option<u64>,
    /// What the gateway signs, in a sentence.
    pub signatures: &'static str,
}

/// A named environment.
#[derive(Debug)]
pub struct Preset {
    pub name: &'static str,
    pub base_url: &'static str,
}

/// A gateway-specific config setting.
#[derive(Debug)]
pub struct Setting {
    pub name: &'static str,
    /// A short label for forms.
    pub label: &'static str,
    pub required: bool,
    /// A value to keep out of sight and logs (the AES key and IV).
    pub secret: bool,
    /// The accepted words, where the setting is a choice; the first is the default.
    pub choices: &'static [&'static str],
    /// The value taken when the setting is absent, where there is one.
    pub default: Option<&'static str>,
}

impl Setting {
    pub(crate) const fn text(name: &'static str, label: &'static str) -> Setting {
        Setting {
            name,
            label,
            required: true,
            secret: false,
            choices: &[],
            default: None,
        }
    }

    pub(crate) const fn secret(name: &'static str, label: &'static str) -> Setting {
        Setting {
            secret: true,
            ..Setting::text(name, label)
        }
    }

    pub(crate) const fn choice(
        name: &'static str,
        label: &'static str,
        choices: &'static [&'static str],
    ) -> Setting {
        Setting {
            required: false,
            choices,
            default: Some(choices[0]),
            ..Setting::text(name, label)
        }
    }
}

/// An id a refund query can be made with (the `RefundQuery` field of the same name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryId {
    RefundId,
    GatewayRefundId,
    OriginalTransactionId,
}

impl QueryId {
    /// The name of the field, as the JavaScript face writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryId::RefundId => "refundId",
            QueryId::GatewayRefundId => "gatewayRefundId",
            QueryId::OriginalTransactionId => "originalTransactionId",
        }
    }
}

/// The description as the JavaScript face's `gateways()` lists it, names in camelCase.
impl ToJson for GatewayInfo {
    fn write_json(&self, out: &mut String) {
        let mut info = ObjectWriter::new(out);
        info.member("id", self.id).member("name", self.name);
        info.member("presets", self.presets);
        info.member("settings", self.settings);
        info.member("paths", self.paths);
        info.member("queryBy", self.query_by);
        info.member("noSuchRefundCodes", self.no_such_refund_codes);
        info.member("refundNumberUsedCodes", self.refund_number_used_codes);
        info.member("notificationWindowMs", &self.notification_window_ms);
        info.member("signatures", self.signatures);
        info.finish();
    }
}

impl ToJson for Preset {
    fn write_json(&self, out: &mut String) {
        let mut preset = ObjectWriter::new(out);
        preset.member("name", self.name);
        preset.member("baseUrl", self.base_url);
        preset.finish();
    }
}

impl ToJson for Setting {
    fn write_json(&self, out: &mut String) {
        let mut setting = ObjectWriter::new(out);
        setting
            .member("name", self.name)
            .member("label", self.label);
        setting.member("required", &self.required);
        setting.member("secret", &self.secret);
        setting.member("choices", self.choices);
        setting.member("default", &self.default);
        setting.finish();
    }
}

impl ToJson for QueryId {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

/// One payment gateway: its wire format, what it signs and its status words. Receiving methods
/// get the client's [`Verifier`] for the gateway's key: a gateway says which bytes a signature
/// covers, the client's provider checks it.
pub trait Gateway {
    /// The gateway's description: id, name, presets, settings, what it signs.
    fn info(&self) -> &'static GatewayInfo;
    fn draft_refund(&self, input: &RefundInput, now_ms: u64) -> Result<Draft>;
    fn draft_refund_query(&self, query: &RefundQuery, now_ms: u64) -> Result<Draft>;
    fn parse_refund_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<RefundResult>;
    fn parse_refund_query_response(
        &self,
        response: &RawResponse,
        verifier: &dyn Verifier,
    ) -> Result<Vec<RefundResult>>;
    fn verify_notification(
        &self,
        request: &RawResponse,
        now_ms: u64,
        verifier: &dyn Verifier,
    ) -> Result<RefundNotification>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(place: SignaturePlace, body: &str) -> Draft {
        Draft {
            url: "https://gateway.example/refund".into(),
            method: Method::Post,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            message: b"the bytes".to_vec(),
            hash: HashAlg::Sha256,
            signature_place: place,
        }
    }

    #[test]
    fn a_draft_round_trips_through_json() {
        for d in [
            draft(SignaturePlace::Body { offset: 9 }, r#"{"sign":""}"#),
            draft(SignaturePlace::FormValue { offset: 7 }, "a=1&sig="),
            draft(
                SignaturePlace::Header {
                    name: "sign".into(),
                },
                "{}",
            ),
        ] {
            let text = serde_json::to_string(&d).unwrap();
            let back: Draft = serde_json::from_str(&text).unwrap();
            assert_eq!(back, d);
            assert_eq!(back.finish(b"sig").unwrap(), d.finish(b"sig").unwrap());
        }
    }

    #[test]
    fn the_signature_goes_where_the_draft_says_as_base64() {
        let signed = draft(SignaturePlace::Body { offset: 9 }, r#"{"sign":""}"#)
            .finish(b"\xff\x00")
            .unwrap();
        assert_eq!(signed.body, r#"{"sign":"/wA="}"#);
        let signed = draft(
            SignaturePlace::Header {
                name: "sign".into(),
            },
            "{}",
        )
        .finish(b"\xff\x00")
        .unwrap();
        assert_eq!(
            signed.headers.last().unwrap(),
            &("sign".into(), "/wA=".into())
        );
        assert_eq!(signed.body, "{}");
    }

    #[test]
    fn a_form_value_signature_is_percent_encoded() {
        let signed = draft(SignaturePlace::FormValue { offset: 8 }, "a=1&sig=")
            .finish(b"\xfb\xff")
            .unwrap();
        assert_eq!(signed.body, "a=1&sig=%2B%2F8%3D");
    }

    #[test]
    fn a_draft_with_an_offset_outside_its_body_is_refused() {
        for offset in [3, 100] {
            let d = draft(SignaturePlace::Body { offset }, "ééé");
            assert!(d.finish(b"x").is_err(), "{offset}");
        }
    }
}
