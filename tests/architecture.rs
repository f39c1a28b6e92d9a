//! The seams the code is built around, checked on the source and on the public API: gateways say
//! what is signed and never touch a key or a primitive; drafts are plain data; modules import in
//! one direction only.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{bare_key, lib_json};
use refundkit::{gateways, Client, Draft, RefundInput, RefundQuery};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

fn source(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The source files under `src/`, as (module path relative to src, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).unwrap().display().to_string();
            (relative, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// The code of a file without its comments and its unit tests.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `code` holds `word` where it starts an identifier or path.
fn names(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(i, _)| {
        !code[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[test]
fn no_gateway_module_holds_a_key_or_calls_a_crypto_primitive() {
    // Keys, the RSA, hash and cipher crates, and the signing and verifying functions of the crypto
    // module: a gateway reaches a signature only through the `Verifier` it is handed, and the key
    // behind it is the client's.
    let forbidden = [
        "PublicKey",
        "PrivateKey",
        "crate::keys",
        "rsa::",
        "sha1::",
        "sha2::",
        "aes::",
        "cbc::",
        "pkcs1v15",
        "Signer",
        "gateway_public_key",
    ];
    let mut gateway_files = 0;
    for (file, text) in sources() {
        if !file.starts_with("gateways/") || file.ends_with("mod.rs") {
            continue;
        }
        gateway_files += 1;
        let code = code_of(&text);
        for word in forbidden {
            assert!(!names(&code, word), "{file} names {word}");
        }
        // Every signature check goes through the verifier parameter.
        for (i, _) in code.match_indices(".verify(") {
            let before = &code[..i];
            assert!(
                before.ends_with("verifier"),
                "{file}: a verify call not on the verifier"
            );
        }
        assert!(code.contains("verifier: &dyn Verifier"), "{file}");
    }
    assert_eq!(gateway_files, 4);
}

/// Top-level module -> the top-level modules it imports with `use crate::...` or `crate::x::`.
fn module_imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in sources() {
        if file == "lib.rs" {
            continue;
        }
        let module = file
            .trim_end_matches(".rs")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let code = code_of(&text);
        let imports = graph.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` and `crate::Error` (re-exports of the root) name no module here.
            let names_a_module = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
            if names_a_module && name != module {
                imports.insert(name);
            }
        }
    }
    graph
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = module_imports();
    assert!(graph.contains_key("gateways") && graph.contains_key("gateway"));
    // Depth-first search for a cycle, reporting the first one found.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import circle: {}",
            cycle.unwrap().join(" -> ")
        );
    }
    // The check sees a circle when there is one.
    let mut circular = graph.clone();
    circular
        .entry("gateway".into())
        .or_default()
        .insert("gateways".into());
    let mut done = BTreeSet::new();
    assert!(circular
        .keys()
        .any(|n| visit(n, &circular, &mut Vec::new(), &mut done).is_some()));
}

fn client(gateway: &str) -> Client {
    common::client_with(gateway, json!({})).unwrap()
}

const NOW: u64 = 1_723_012_596_622;

/// A refund every gateway can draft.
fn refund_input() -> RefundInput {
    RefundInput::from_json(&lib_json(&json!({
        "refundId": "R20240001", "originalOrderId": "O1", "originalTransactionId": "T1",
        "amount": "10.00", "currency": "THB", "notifyUrl": "https://shop.example/hook",
    })))
    .unwrap()
}

fn refund_query() -> RefundQuery {
    RefundQuery::from_json(&lib_json(&json!({"gatewayRefundId": "G1"}))).unwrap()
}

#[test]
fn every_gateways_drafts_round_trip_through_json_and_sign_to_the_same_request() {
    let (input, query) = (refund_input(), refund_query());
    for info in gateways() {
        let client = client(info.id);
        let drafts = [
            client.draft_refund(&input, NOW),
            client.draft_refund_query(&query, NOW),
        ]
        .map(|d| d.unwrap_or_else(|e| panic!("{}: {e}", info.id)));
        for draft in drafts {
            let text = serde_json::to_string(&draft).unwrap();
            let back: Draft = serde_json::from_str(&text).unwrap();
            assert_eq!(back, draft, "{}", info.id);
            assert_eq!(
                client.sign_draft(&back).unwrap(),
                client.sign_draft(&draft).unwrap(),
                "{}",
                info.id
            );
            // A draft carries no secret: neither key's text appears in it.
            let private = bare_key("merchant_test_key.pem");
            assert!(!text.contains(&private[40..80]), "{}", info.id);
        }
    }
}

#[test]
fn the_registry_describes_every_gateway_once() {
    let ids: Vec<&str> = gateways().map(|g| g.id).collect();
    assert_eq!(ids, ["wisepay", "payermax", "bluepay", "bieases"]);
    for info in gateways() {
        assert_eq!(refundkit::gateway_info(info.id).unwrap().id, info.id);
        assert_eq!(client(info.id).gateway().id, info.id);
        assert!(!info.query_by.is_empty(), "{}", info.id);
        // The paths described are the ones the drafts go to.
        let drafts = [
            client(info.id).draft_refund(&refund_input(), NOW),
            client(info.id).draft_refund_query(&refund_query(), NOW),
        ];
        for draft in drafts {
            let url = draft.unwrap().url;
            assert!(info.paths.iter().any(|path| url.ends_with(path)), "{url}");
        }
    }
    let _ = source("src/gateways/mod.rs");
}
