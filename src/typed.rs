//! The client configuration, refund inputs and queries as Rust types, beside the JSON road that the
//! JavaScript face takes (`Config::from_json`, `RefundInput::from_json`, `RefundQuery::from_json`).
//!
//! Every value made here is turned into that same JSON and read by those same functions, so each
//! rule (lengths, control characters, presets, key formats, amount digits) is checked in one place
//! and both roads give the same bytes on the wire. What the types rule out does not compile: a
//! BluePay environment (BluePay has none), a config without a key, a query by no id. What they
//! cannot rule out comes back from those checks as `CONFIG_INVALID`, `KEY_INVALID`,
//! `INPUT_INVALID` or `AMOUNT_INVALID`, with the JSON field named.

use crate::config::Config;
use crate::crypto::HashAlg;
use crate::json::{Object, Value};
use crate::refund::{RefundInput, RefundQuery};
use crate::Result;
use std::fmt;
use zeroize::Zeroizing;

/// An enum of the words a config setting takes, with the word each value is written as.
macro_rules! setting_words {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $word:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the gateway's description lists the words.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word the JSON config uses for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }
    };
}

setting_words! {
    /// WisePay Cloud's environments (`environment` in the JSON config).
    WisePayEnvironment {
        /// The Singapore sandbox.
        SgSandbox => "sg-sandbox",
        /// Singapore production.
        SgProduction => "sg-production",
        /// N-age, the Japanese reseller.
        NAge => "n-age",
    }
}

setting_words! {
    /// The environments of PayerMax and BIEASES (`environment` in the JSON config).
    Environment {
        /// The gateway's test system.
        Sandbox => "sandbox",
        /// The live system.
        Production => "production",
    }
}

setting_words! {
    /// How WisePay requests are encoded (`wireFormat`).
    WisePayWireFormat {
        /// JSON to the per-operation paths (the default).
        Json => "json",
        /// The Java SDK's form to `/api/entry`.
        Form => "form",
    }
}

setting_words! {
    /// The unit of BluePay's `param.timestamp` (`timestampUnit`).
    BluePayTimestampUnit {
        /// Seconds since the epoch (the default, as in BluePay's refund examples).
        Seconds => "seconds",
        /// Milliseconds since the epoch.
        Milliseconds => "milliseconds",
    }
}

setting_words! {
    /// How BIEASES's issued `aesKey` and `aesIv` strings become bytes (`keyEncoding`).
    BieasesKeyEncoding {
        /// The text's UTF-8 bytes (the default).
        Utf8 => "utf8",
        /// Standard base64.
        Base64 => "base64",
        /// Hexadecimal.
        Hex => "hex",
    }
}

setting_words! {
    /// What BIEASES's RSA signature covers (`signTarget`).
    BieasesSignTarget {
        /// The encrypted body as sent (the default).
        Ciphertext => "ciphertext",
        /// The JSON before encryption.
        Plaintext => "plaintext",
    }
}

/// Where a gateway's requests go: one of its named environments, or a base URL of the caller's
/// choosing (a local sandbox, a proxy, a host the gateway issued). An environment converts into a
/// `Host`, so `WisePayEnvironment::SgSandbox` can be passed where a `Host` is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host<E> {
    /// A named environment of the gateway.
    Environment(E),
    /// An absolute `http://` or `https://` URL without query or fragment (`baseUrl`).
    BaseUrl(String),
}

impl<E> Host<E> {
    /// A base URL in place of the gateway's environments.
    pub fn base_url(url: impl Into<String>) -> Host<E> {
        Host::BaseUrl(url.into())
    }
}

impl<E> From<E> for Host<E> {
    fn from(environment: E) -> Host<E> {
        Host::Environment(environment)
    }
}

/// The environment enums, by the word the config uses.
trait EnvironmentWord {
    fn word(&self) -> &'static str;
}

impl EnvironmentWord for WisePayEnvironment {
    fn word(&self) -> &'static str {
        self.as_str()
    }
}

impl EnvironmentWord for Environment {
    fn word(&self) -> &'static str {
        self.as_str()
    }
}

/// WisePay Cloud (and N-age): the app id and merchant number it issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WisePayConfig {
    host: Host<WisePayEnvironment>,
    app_id: String,
    merchant_no: String,
    wire_format: Option<WisePayWireFormat>,
}

impl WisePayConfig {
    /// `appId` and `merchantNo` as WisePay issued them.
    pub fn new(
        host: impl Into<Host<WisePayEnvironment>>,
        app_id: impl Into<String>,
        merchant_no: impl Into<String>,
    ) -> WisePayConfig {
        WisePayConfig {
            host: host.into(),
            app_id: app_id.into(),
            merchant_no: merchant_no.into(),
            wire_format: None,
        }
    }

    /// How requests are encoded; JSON when not set.
    pub fn wire_format(mut self, format: WisePayWireFormat) -> WisePayConfig {
        self.wire_format = Some(format);
        self
    }

    fn write(&self, values: &mut Object) {
        write_host(values, &self.host);
        put(values, "appId", &self.app_id);
        put(values, "merchantNo", &self.merchant_no);
        put_word(
            values,
            "wireFormat",
            self.wire_format.map(WisePayWireFormat::as_str),
        );
    }
}

/// PayerMax: the app id and merchant number it issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayerMaxConfig {
    host: Host<Environment>,
    app_id: String,
    merchant_no: String,
}

impl PayerMaxConfig {
    /// `appId` and `merchantNo` as PayerMax issued them.
    pub fn new(
        host: impl Into<Host<Environment>>,
        app_id: impl Into<String>,
        merchant_no: impl Into<String>,
    ) -> PayerMaxConfig {
        PayerMaxConfig {
            host: host.into(),
            app_id: app_id.into(),
            merchant_no: merchant_no.into(),
        }
    }

    fn write(&self, values: &mut Object) {
        write_host(values, &self.host);
        put(values, "appId", &self.app_id);
        put(values, "merchantNo", &self.merchant_no);
    }
}

/// BluePay: the host and app id it issued. BluePay has no public environments, so the base URL is
/// required and there is no environment to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BluePayConfig {
    base_url: String,
    app_id: String,
    currency: Option<String>,
    timestamp_unit: Option<BluePayTimestampUnit>,
}

impl BluePayConfig {
    /// `baseUrl` and `appId` as BluePay issued them.
    pub fn new(base_url: impl Into<String>, app_id: impl Into<String>) -> BluePayConfig {
        BluePayConfig {
            base_url: base_url.into(),
            app_id: app_id.into(),
            currency: None,
            timestamp_unit: None,
        }
    }

    /// The ISO 4217 code of the BluePay account; THB when not set.
    pub fn currency(mut self, code: impl Into<String>) -> BluePayConfig {
        self.currency = Some(code.into());
        self
    }

    /// The unit of the request timestamp; seconds when not set.
    pub fn timestamp_unit(mut self, unit: BluePayTimestampUnit) -> BluePayConfig {
        self.timestamp_unit = Some(unit);
        self
    }

    fn write(&self, values: &mut Object) {
        put(values, "baseUrl", &self.base_url);
        put(values, "appId", &self.app_id);
        if let Some(code) = &self.currency {
            put(values, "currency", code);
        }
        put_word(
            values,
            "timestampUnit",
            self.timestamp_unit.map(BluePayTimestampUnit::as_str),
        );
    }
}

/// BIEASES: the merchant id and the AES key and IV it issued. The key and IV are wiped from
/// memory when the config is dropped, and `Debug` does not show them.
#[derive(Clone, PartialEq, Eq)]
pub struct BieasesConfig {
    host: Host<Environment>,
    merchant_id: String,
    aes_key: Zeroizing<String>,
    aes_iv: Zeroizing<String>,
    key_encoding: Option<BieasesKeyEncoding>,
    sign_target: Option<BieasesSignTarget>,
    hash: Option<HashAlg>,
}

impl BieasesConfig {
    /// `merchantId`, `aesKey` and `aesIv` as BIEASES issued them.
    pub fn new(
        host: impl Into<Host<Environment>>,
        merchant_id: impl Into<String>,
        aes_key: impl Into<String>,
        aes_iv: impl Into<String>,
    ) -> BieasesConfig {
        BieasesConfig {
            host: host.into(),
            merchant_id: merchant_id.into(),
            aes_key: Zeroizing::new(aes_key.into()),
            aes_iv: Zeroizing::new(aes_iv.into()),
            key_encoding: None,
            sign_target: None,
            hash: None,
        }
    }

    /// How the AES key and IV strings become bytes; UTF-8 when not set.
    pub fn key_encoding(mut self, encoding: BieasesKeyEncoding) -> BieasesConfig {
        self.key_encoding = Some(encoding);
        self
    }

    /// What the RSA signature covers; the ciphertext when not set.
    pub fn sign_target(mut self, target: BieasesSignTarget) -> BieasesConfig {
        self.sign_target = Some(target);
        self
    }

    /// The signature digest; SHA-256 when not set.
    pub fn hash(mut self, hash: HashAlg) -> BieasesConfig {
        self.hash = Some(hash);
        self
    }

    fn write(&self, values: &mut Object) {
        write_host(values, &self.host);
        put(values, "merchantId", &self.merchant_id);
        put(values, "aesKey", &self.aes_key);
        put(values, "aesIv", &self.aes_iv);
        put_word(
            values,
            "keyEncoding",
            self.key_encoding.map(BieasesKeyEncoding::as_str),
        );
        put_word(
            values,
            "signTarget",
            self.sign_target.map(BieasesSignTarget::as_str),
        );
        put_word(values, "hash", self.hash.map(hash_word));
    }
}

impl fmt::Debug for BieasesConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BieasesConfig")
            .field("host", &self.host)
            .field("merchant_id", &self.merchant_id)
            .field("aes_key", &"(redacted)")
            .field("aes_iv", &"(redacted)")
            .field("key_encoding", &self.key_encoding)
            .field("sign_target", &self.sign_target)
            .field("hash", &self.hash)
            .finish()
    }
}

/// The word BIEASES's `hash` setting uses for a digest.
fn hash_word(hash: HashAlg) -> &'static str {
    match hash {
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha1 => "sha1",
    }
}

/// One gateway's settings: what [`ClientConfig`] takes. Each gateway's config converts into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayConfig {
    /// WisePay Cloud and N-age (`gateway: "wisepay"`).
    WisePay(WisePayConfig),
    /// PayerMax (`gateway: "payermax"`).
    PayerMax(PayerMaxConfig),
    /// BluePay (`gateway: "bluepay"`).
    BluePay(BluePayConfig),
    /// BIEASES (`gateway: "bieases"`).
    Bieases(BieasesConfig),
}

impl GatewayConfig {
    /// The gateway's id, as [`crate::gateway_info`] and the JSON config's `gateway` name it.
    pub fn id(&self) -> &'static str {
        match self {
            GatewayConfig::WisePay(_) => "wisepay",
            GatewayConfig::PayerMax(_) => "payermax",
            GatewayConfig::BluePay(_) => "bluepay",
            GatewayConfig::Bieases(_) => "bieases",
        }
    }

    fn write(&self, values: &mut Object) {
        put(values, "gateway", self.id());
        match self {
            GatewayConfig::WisePay(config) => config.write(values),
            GatewayConfig::PayerMax(config) => config.write(values),
            GatewayConfig::BluePay(config) => config.write(values),
            GatewayConfig::Bieases(config) => config.write(values),
        }
    }
}

impl From<WisePayConfig> for GatewayConfig {
    fn from(config: WisePayConfig) -> GatewayConfig {
        GatewayConfig::WisePay(config)
    }
}

impl From<PayerMaxConfig> for GatewayConfig {
    fn from(config: PayerMaxConfig) -> GatewayConfig {
        GatewayConfig::PayerMax(config)
    }
}

impl From<BluePayConfig> for GatewayConfig {
    fn from(config: BluePayConfig) -> GatewayConfig {
        GatewayConfig::BluePay(config)
    }
}

impl From<BieasesConfig> for GatewayConfig {
    fn from(config: BieasesConfig) -> GatewayConfig {
        GatewayConfig::Bieases(config)
    }
}

/// A whole client configuration: one gateway's settings and the two RSA keys, each as PEM or bare
/// base64 DER. [`crate::Client::new`] takes it; it checks and imports the keys. The private key's
/// text is wiped from memory when the config is dropped, and `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    gateway: GatewayConfig,
    private_key: Zeroizing<String>,
    gateway_public_key: String,
    max_body_bytes: Option<usize>,
}

impl ClientConfig {
    /// `private_key` is the merchant's (PKCS#8 or PKCS#1), `gateway_public_key` the gateway's
    /// (SPKI or PKCS#1), to verify what it sends.
    pub fn new(
        gateway: impl Into<GatewayConfig>,
        private_key: impl Into<String>,
        gateway_public_key: impl Into<String>,
    ) -> ClientConfig {
        ClientConfig {
            gateway: gateway.into(),
            private_key: Zeroizing::new(private_key.into()),
            gateway_public_key: gateway_public_key.into(),
            max_body_bytes: None,
        }
    }

    /// The longest body the client parses (`maxBodyBytes`): from 1 KiB to 64 MiB, 1 MiB when not
    /// set. Outside those bounds [`crate::Client::new`] refuses it with `CONFIG_INVALID`.
    pub fn max_body_bytes(mut self, bytes: usize) -> ClientConfig {
        self.max_body_bytes = Some(bytes);
        self
    }

    /// The gateway's settings.
    pub fn gateway(&self) -> &GatewayConfig {
        &self.gateway
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("gateway", &self.gateway)
            .field("private_key", &"(redacted)")
            .field("gateway_public_key", &self.gateway_public_key)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

/// The JSON config with the same settings, read by the same checks as any other.
impl From<ClientConfig> for Config {
    fn from(config: ClientConfig) -> Config {
        let mut values = Object::new();
        config.gateway.write(&mut values);
        put(&mut values, "privateKey", &config.private_key);
        put(&mut values, "gatewayPublicKey", &config.gateway_public_key);
        if let Some(bytes) = config.max_body_bytes {
            // usize is at most 64 bits on every target Rust supports.
            values.insert("maxBodyBytes".into(), Value::from(bytes as u64));
        }
        Config::new(values)
    }
}

fn put(values: &mut Object, key: &str, text: &str) {
    values.insert(key.into(), Value::String(text.into()));
}

/// A setting left unset stays out of the JSON, so the gateway's default applies.
fn put_word(values: &mut Object, key: &str, word: Option<&'static str>) {
    if let Some(word) = word {
        put(values, key, word);
    }
}

fn write_host<E: EnvironmentWord>(values: &mut Object, host: &Host<E>) {
    match host {
        Host::Environment(environment) => put(values, "environment", environment.word()),
        Host::BaseUrl(url) => put(values, "baseUrl", url),
    }
}

/// A refund input being put together; [`RefundInputBuilder::build`] checks it. Made by
/// [`RefundInput::builder`].
#[derive(Clone, Debug, PartialEq)]
pub struct RefundInputBuilder {
    fields: Object,
    extra: Object,
}

impl RefundInput {
    /// A refund of `amount` (a decimal string in major units, such as `"10.50"`, kept as written:
    /// gateways apply their own digit rules to it) in `currency` (an ISO 4217 code), under the
    /// merchant's refund number `refund_id`, the idempotency key a retry must reuse.
    pub fn builder(
        refund_id: impl Into<String>,
        amount: impl Into<String>,
        currency: impl Into<String>,
    ) -> RefundInputBuilder {
        let mut fields = Object::new();
        put(&mut fields, "refundId", &refund_id.into());
        put(&mut fields, "amount", &amount.into());
        put(&mut fields, "currency", &currency.into());
        RefundInputBuilder {
            fields,
            extra: Object::new(),
        }
    }
}

impl RefundInputBuilder {
    /// The merchant's number of the paid order.
    pub fn original_order_id(self, id: impl Into<String>) -> RefundInputBuilder {
        self.with("originalOrderId", id.into())
    }

    /// The gateway's id of the paid order.
    pub fn original_transaction_id(self, id: impl Into<String>) -> RefundInputBuilder {
        self.with("originalTransactionId", id.into())
    }

    /// Why the refund is made, where the gateway takes a reason.
    pub fn reason(self, reason: impl Into<String>) -> RefundInputBuilder {
        self.with("reason", reason.into())
    }

    /// Where the gateway should send its notification about this refund.
    pub fn notify_url(self, url: impl Into<String>) -> RefundInputBuilder {
        self.with("notifyUrl", url.into())
    }

    /// A further gateway field, passed through to the gateway module that knows it (BIEASES's
    /// `refundInfos`, WisePay's and BluePay's extra fields). Fields are kept in the order given.
    pub fn extra(mut self, name: impl Into<String>, value: impl Into<Value>) -> RefundInputBuilder {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// The input, checked by the same rules as [`RefundInput::from_json`]: `INPUT_INVALID` or
    /// `AMOUNT_INVALID` with the field named.
    pub fn build(self) -> Result<RefundInput> {
        let mut fields = self.fields;
        if !self.extra.is_empty() {
            fields.insert("extra".into(), Value::Object(self.extra));
        }
        RefundInput::from_json(&Value::Object(fields))
    }

    fn with(mut self, key: &str, text: String) -> RefundInputBuilder {
        self.fields.insert(key.into(), Value::String(text));
        self
    }
}

impl RefundQuery {
    /// A query by the merchant's refund number.
    pub fn by_refund_id(id: impl Into<String>) -> Result<RefundQuery> {
        query_by("refundId", id.into())
    }

    /// A query by the gateway's refund id.
    pub fn by_gateway_refund_id(id: impl Into<String>) -> Result<RefundQuery> {
        query_by("gatewayRefundId", id.into())
    }

    /// A query by the gateway's id of the paid order (gateways that list refunds per payment).
    pub fn by_original_transaction_id(id: impl Into<String>) -> Result<RefundQuery> {
        query_by("originalTransactionId", id.into())
    }
}

/// A query by one id, checked by the same rules as [`RefundQuery::from_json`].
fn query_by(key: &str, id: String) -> Result<RefundQuery> {
    let mut fields = Object::new();
    fields.insert(key.into(), Value::String(id));
    RefundQuery::from_json(&Value::Object(fields))
}
