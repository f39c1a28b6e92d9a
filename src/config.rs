//! The client configuration as given by the caller: a flat object of named values. Every gateway
//! takes the keys it knows; whatever is left over at the end is an unknown key and refused, so a
//! misspelt credential never goes unnoticed.

use crate::gateway::Preset;
use crate::json::{Object, Value};
use crate::keys::PublicKey;
use crate::wire::{after_http_scheme, json_type_name, printable_key};
use crate::{Error, Result};
use zeroize::Zeroize;

/// Keys every configuration may carry, whatever the gateway. (`fetch` and `timeoutMs` are read by
/// the JavaScript face.)
const COMMON_KEYS: &[&str] = &["gateway", "privateKey", "fetch", "timeoutMs"];

pub struct Config {
    values: Object,
    /// The keys asked for, each once. A config has a dozen keys at most, so a list searched from
    /// the start is all it needs (and far less code for a fresh process to compile than a tree).
    taken: Vec<String>,
}

impl Config {
    pub fn new(values: Object) -> Config {
        let taken = COMMON_KEYS.iter().map(|k| k.to_string()).collect();
        Config { values, taken }
    }

    fn take(&mut self, key: &str) {
        if !self.is_taken(key) {
            self.taken.push(key.to_string());
        }
    }

    fn is_taken(&self, key: &str) -> bool {
        self.taken.iter().any(|k| k == key)
    }

    /// Reads a config from its JSON form (native callers and tests): an object of settings.
    pub fn from_json(value: &Value) -> Result<Config> {
        match value {
            Value::Object(map) => Ok(Config::new(map.clone())),
            _ => Err(Error::config("config must be an object")),
        }
    }

    /// An optional string setting. Non-strings and control characters are `CONFIG_INVALID`.
    pub fn optional(&mut self, key: &str) -> Result<Option<String>> {
        self.read(key, false)
    }

    /// A required key text (PEM or base64): line breaks and tabs are allowed, other control
    /// characters are not.
    pub fn key_text(&mut self, key: &str, what: &str) -> Result<String> {
        self.read(key, true)?
            .ok_or_else(|| missing(key, Some(what)))
    }

    fn read(&mut self, key: &str, allow_line_breaks: bool) -> Result<Option<String>> {
        self.take(key);
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => {
                let allowed = |c: char| allow_line_breaks && matches!(c, '\r' | '\n' | '\t');
                if s.chars().any(|c| c.is_control() && !allowed(c)) {
                    return Err(control_characters(key));
                }
                Ok(Some(s.clone()))
            }
            Some(other) => Err(not_a_string(key, other)),
        }
    }

    /// An optional whole number from `min` to `max`, with a default. JSON numbers only: a numeric
    /// string is refused like any other wrong type.
    pub fn whole_number(&mut self, key: &str, min: u64, max: u64, default: u64) -> Result<u64> {
        self.take(key);
        let refuse = || {
            Error::config_field(
                key,
                format!("{key} must be a whole number from {min} to {max}"),
            )
        };
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(refuse),
            Some(_) => Err(refuse()),
        }
    }

    pub fn required(&mut self, key: &str) -> Result<String> {
        self.optional(key)?.ok_or_else(|| missing(key, None))
    }

    /// An optional setting restricted to a few words, with a default.
    pub fn choice(&mut self, key: &str, choices: &[&'static str]) -> Result<&'static str> {
        let value = self.optional(key)?;
        match value {
            None => Ok(choices[0]),
            Some(v) => choices.iter().copied().find(|c| *c == v).ok_or_else(|| {
                Error::config_field(key, format!("{key} must be one of {}", choices.join(", ")))
            }),
        }
    }

    /// The gateway's public key, required for every gateway that signs anything.
    pub fn gateway_public_key(&mut self) -> Result<PublicKey> {
        let text = self.key_text(
            "gatewayPublicKey",
            "the gateway's RSA public key, to verify what it sends",
        )?;
        PublicKey::import(&text, "gatewayPublicKey")
    }

    /// The base URL: `baseUrl` when given, else the `environment` preset. One of the two is required,
    /// so no request ever goes to a host the caller did not choose.
    pub fn base_url(&mut self, presets: &[Preset]) -> Result<String> {
        let environment = self.optional("environment")?;
        if let Some(url) = self.optional("baseUrl")? {
            return normalize_base_url(&url);
        }
        let preset = environment
            .as_deref()
            .and_then(|env| presets.iter().find(|p| p.name == env));
        match preset {
            Some(preset) => Ok(preset.base_url.to_string()),
            None => Err(no_preset(environment.is_some(), presets)),
        }
    }

    /// Refuses any key no one asked for.
    pub fn finish(self) -> Result<()> {
        match self.values.keys().find(|k| !self.is_taken(k)) {
            Some(key) => Err(self.unknown_key(key)),
            None => Ok(()),
        }
    }

    // The refusals below are written out of line (here and in the other cold paths of making a
    // client): a fresh process compiles each WebAssembly function whole the first time it runs,
    // so text formatting that only a refusal needs would otherwise be compiled by every first
    // client (docs/performance.md, the fresh-process figure).

    #[cold]
    #[inline(never)]
    fn unknown_key(&self, key: &str) -> Error {
        let mut known: Vec<&str> = self.taken.iter().map(String::as_str).collect();
        known.sort_unstable();
        Error::config_field(
            &printable_key(key),
            format!(
                "unknown config key {}; this gateway takes {}",
                printable_key(key),
                known.join(", ")
            ),
        )
    }
}

/// A required setting that is absent, with what it is for where that helps.
#[cold]
#[inline(never)]
fn missing(key: &str, what: Option<&str>) -> Error {
    let message = match what {
        Some(what) => format!("{key} is required: {what}"),
        None => format!("{key} is required"),
    };
    Error::config_field(key, message)
}

#[cold]
#[inline(never)]
fn control_characters(key: &str) -> Error {
    Error::config_field(key, format!("{key} must not contain control characters"))
}

#[cold]
#[inline(never)]
fn not_a_string(key: &str, value: &Value) -> Error {
    Error::config_field(
        key,
        format!("{key} must be a string, not {}", json_type_name(value)),
    )
}

/// Why no preset was found: an `environment` that names none, or neither setting given.
#[cold]
#[inline(never)]
fn no_preset(environment_given: bool, presets: &[Preset]) -> Error {
    let names = presets
        .iter()
        .map(|p| p.name)
        .collect::<Vec<_>>()
        .join(", ");
    if environment_given {
        Error::config_field("environment", format!("environment must be one of {names}"))
    } else if presets.is_empty() {
        Error::config_field(
            "baseUrl",
            "baseUrl is required: the gateway issues it to each merchant",
        )
    } else {
        Error::config_field(
            "environment",
            format!("set environment ({names}) or baseUrl"),
        )
    }
}

/// The values include the private key's text (and BIEASES's AES key and IV): every string is wiped
/// when the config is dropped, so no copy of a secret is left behind in freed memory.
impl Drop for Config {
    fn drop(&mut self) {
        for value in self.values.values_mut() {
            if let Value::String(text) = value {
                text.zeroize();
            }
        }
    }
}

/// An absolute http(s) URL without query or fragment, with any trailing slash removed. Out of
/// line: a client made from a preset never runs it, so a fresh process need not compile it.
#[inline(never)]
fn normalize_base_url(url: &str) -> Result<String> {
    let valid = matches!(after_http_scheme(url), Some(h) if !h.is_empty() && !h.starts_with('/'))
        && !url.contains(['?', '#', ' '])
        && !url.chars().any(char::is_whitespace);
    if !valid {
        return Err(Error::config_field(
            "baseUrl",
            "baseUrl must be an absolute http:// or https:// URL without query or fragment",
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A config from serde_json's `json!`, through its text.
    fn config(settings: serde_json::Value) -> Config {
        Config::from_json(&settings.to_string().parse().unwrap()).unwrap()
    }

    fn presets() -> [Preset; 2] {
        [
            Preset {
                name: "sandbox",
                base_url: "https://sandbox.example",
            },
            Preset {
                name: "production",
                base_url: "https://pay.example",
            },
        ]
    }

    #[test]
    fn base_url_prefers_explicit_url_and_checks_presets() {
        let presets = presets();
        let mut c = config(json!({"environment": "production"}));
        assert_eq!(c.base_url(&presets).unwrap(), "https://pay.example");
        let mut c = config(json!({"baseUrl": "http://127.0.0.1:9/x/"}));
        assert_eq!(c.base_url(&presets).unwrap(), "http://127.0.0.1:9/x");
        let mut c = config(json!({"environment": "prod"}));
        assert_eq!(
            c.base_url(&presets).unwrap_err().field.as_deref(),
            Some("environment")
        );
        let mut c = config(json!({}));
        assert!(c.base_url(&presets).is_err());
        let mut c = config(json!({"baseUrl": "https://x/?a=1"}));
        assert!(c.base_url(&presets).is_err());
    }

    #[test]
    fn key_texts_may_span_lines_but_settings_may_not() {
        let pem = "-----BEGIN PUBLIC KEY-----\r\nAAAA\n\t-----END PUBLIC KEY-----\n";
        let mut c = config(json!({"privateKey": pem, "appId": "a\nb", "k": "a\u{0}"}));
        assert_eq!(c.key_text("privateKey", "a key").unwrap(), pem);
        assert_eq!(
            c.optional("appId").unwrap_err().field.as_deref(),
            Some("appId")
        );
        assert!(c.key_text("k", "a key").is_err());
        assert!(c.key_text("missing", "a key").is_err());
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let mut c = config(json!({"gateway": "x", "appId": "a", "appID": "b"}));
        c.required("appId").unwrap();
        let e = c.finish().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("appID"));
        assert_eq!(e.code, crate::ErrorCode::ConfigInvalid);
    }

    /// The refusals are written apart from the code that reads the settings; their text is
    /// the same as when they were written in place.
    #[test]
    fn refusals_name_the_key_and_say_what_was_expected() {
        let presets = presets();
        let refusal = |e: Error| (e.field.unwrap_or_default(), e.message);
        let mut c = config(json!({"n": 1, "c": "a\u{7}", "zz": 1, "b": "x"}));
        let said = |field: &str, message: &str| (field.to_string(), message.to_string());
        assert_eq!(
            refusal(c.required("absent").unwrap_err()),
            said("absent", "absent is required")
        );
        assert_eq!(
            refusal(c.key_text("k", "a key").unwrap_err()),
            said("k", "k is required: a key")
        );
        assert_eq!(
            refusal(c.optional("n").unwrap_err()),
            said("n", "n must be a string, not a number")
        );
        assert_eq!(
            refusal(c.optional("c").unwrap_err()),
            said("c", "c must not contain control characters")
        );
        assert_eq!(
            refusal(c.base_url(&presets).unwrap_err()),
            said(
                "environment",
                "set environment (sandbox, production) or baseUrl"
            )
        );
        assert_eq!(
            refusal(c.base_url(&[]).unwrap_err()),
            said(
                "baseUrl",
                "baseUrl is required: the gateway issues it to each merchant"
            )
        );
        c.optional("b").unwrap();
        assert_eq!(
            refusal(c.finish().unwrap_err()),
            said(
                "zz",
                "unknown config key zz; this gateway takes absent, b, baseUrl, c, environment, \
                 fetch, gateway, k, n, privateKey, timeoutMs"
            )
        );
        let mut c = config(json!({"environment": "staging"}));
        assert_eq!(
            refusal(c.base_url(&presets).unwrap_err()),
            said(
                "environment",
                "environment must be one of sandbox, production"
            )
        );
        let mut c = config(json!({"environment": "staging"}));
        assert_eq!(
            refusal(c.base_url(&[]).unwrap_err()),
            said("environment", "environment must be one of ")
        );
    }

    #[test]
    fn whole_numbers_are_json_integers_within_bounds() {
        let mut c = config(json!({"n": 5}));
        assert_eq!(c.whole_number("n", 1, 10, 7).unwrap(), 5);
        assert_eq!(c.whole_number("absent", 1, 10, 7).unwrap(), 7);
        for bad in [
            json!(0),
            json!(11),
            json!(5.5),
            json!(-1),
            json!("5"),
            json!(true),
        ] {
            let mut c = config(json!({ "n": bad }));
            let e = c.whole_number("n", 1, 10, 7).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("n"), "{bad}");
        }
    }
}
