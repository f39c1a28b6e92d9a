//! One module per gateway, and the registry of them. Each module knows its own wire format,
//! signature rules and status words, and nothing of the others; each describes itself once, in
//! its `INFO`, which the client, the JavaScript face, the console and the sandbox all read.
//! The registry lives here, beside the gateways, so `gateway.rs` (the trait and the shapes) needs
//! none of them and no module imports one that imports it back.
//!
//! Adding a gateway is one file here and one line in `REGISTRY`.

pub(crate) mod bieases;
pub(crate) mod bluepay;
pub(crate) mod payermax;
#[cfg(not(feature = "hazmat"))]
pub(crate) mod wisepay;
/// WisePay's canonical string is a hazmat primitive; the module is reachable only through it.
#[cfg(feature = "hazmat")]
pub mod wisepay;

use crate::config::Config;
use crate::gateway::{Gateway, GatewayInfo};
use crate::{Error, Result};

type Constructor = fn(&mut Config) -> Result<Box<dyn Gateway>>;

/// Every gateway: its description and how it is built from a config.
const REGISTRY: &[(&GatewayInfo, Constructor)] = &[
    (&wisepay::INFO, wisepay::from_config),
    (&payermax::INFO, payermax::from_config),
    (&bluepay::INFO, bluepay::from_config),
    (&bieases::INFO, bieases::from_config),
];

/// The descriptions of all supported gateways.
pub fn gateways() -> impl Iterator<Item = &'static GatewayInfo> {
    REGISTRY.iter().map(|(info, _)| *info)
}

/// The description of one gateway, by id.
pub fn gateway_info(id: &str) -> Option<&'static GatewayInfo> {
    gateways().find(|info| info.id == id)
}

/// Builds the gateway named by `config.gateway` from the rest of the config.
pub(crate) fn gateway_from_config(config: &mut Config) -> Result<Box<dyn Gateway>> {
    let id = config.optional("gateway")?.unwrap_or_default();
    let (_, constructor) = REGISTRY
        .iter()
        .find(|(info, _)| info.id == id)
        .ok_or_else(|| unknown_gateway(&id))?;
    constructor(config)
}

/// Out of line: a fresh process compiles each WebAssembly function whole the first time it runs,
/// and only a refusal needs this formatting (docs/performance.md, the fresh-process figure).
#[cold]
#[inline(never)]
fn unknown_gateway(id: &str) -> Error {
    let supported: Vec<&str> = gateways().map(|info| info.id).collect();
    let shown = if id.is_empty() {
        "config.gateway is required".to_string()
    } else {
        format!("unknown gateway '{}'", crate::wire::printable_key(id))
    };
    Error::config_field(
        "gateway",
        format!("{shown}; supported: {}", supported.join(", ")),
    )
}
