//! The reconciliation of refunds whose outcome is unknown: every gateway's lookup road, what each
//! answer leads to, and the gateways' own "no such refund" and "number used" answers, parsed from
//! the wire, leading where they must.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{client_with, gateway_key, json_response, lib_json, received, sign};
use refundkit::{
    gateway_info, Delivery, Error, ErrorCode, HashAlg, Lookup, Next, RefundInput, RefundQuery,
    RefundResult, RefundRetry, RefundStatus, RetryPolicy, MAX_BACKOFF_MS,
};
use serde_json::{json, Value};

const REFUND_ID: &str = "R20261101001";
const PAYMENT: &str = "CU100000000000003001";

fn input(gateway: &str) -> RefundInput {
    let mut input = json!({"refundId": REFUND_ID, "amount": "10.00", "currency": "USD",
                           "originalOrderId": "O1", "originalTransactionId": PAYMENT});
    if gateway == "bluepay" {
        input["currency"] = "THB".into();
    }
    RefundInput::from_json(&lib_json(&input)).unwrap()
}

fn plan(gateway: &str, attempts: u32) -> RefundRetry {
    let policy = RetryPolicy::new(attempts, 100).unwrap();
    RefundRetry::new(gateway_info(gateway).unwrap(), &input(gateway), policy)
}

/// A plan whose first send was lost and which now looks the refund up.
fn looking_up(gateway: &str, attempts: u32) -> RefundRetry {
    let mut plan = plan(gateway, attempts);
    plan.start();
    expect_lookup(plan.refund_answered(Err(&lost())));
    plan
}

fn lost() -> Error {
    Error::transport("no answer from https://gateway.example within 30000 ms")
        .with_delivery(Delivery::Unknown)
}

fn refused(gateway: &str, code: &str) -> Error {
    Error::gateway(gateway, code, "refused").with_delivery(Delivery::Refused)
}

fn record(gateway: &'static str, refund_id: Option<&str>, status: RefundStatus) -> RefundResult {
    let mut result = RefundResult::new(gateway, status, "word", true, refundkit::json::Value::Null);
    result.refund_id = refund_id.map(str::to_string);
    result
}

fn expect_lookup(next: Next) -> (RefundQuery, u32) {
    match next {
        Next::Lookup { query, after_ms } => (query, after_ms),
        other => panic!("expected a lookup, got {other:?}"),
    }
}

fn expect_send(next: Next) -> u32 {
    match next {
        Next::SendRefund { after_ms } => after_ms,
        other => panic!("expected the refund to be sent, got {other:?}"),
    }
}

fn by_refund_id() -> RefundQuery {
    RefundQuery {
        refund_id: Some(REFUND_ID.into()),
        ..RefundQuery::default()
    }
}

fn by_payment() -> RefundQuery {
    RefundQuery {
        original_transaction_id: Some(PAYMENT.into()),
        ..RefundQuery::default()
    }
}

#[test]
fn each_gateway_is_looked_up_the_way_its_description_allows() {
    assert_eq!(
        *plan("wisepay", 3).lookup(),
        Lookup::ByRefundId(by_refund_id())
    );
    assert_eq!(
        *plan("payermax", 3).lookup(),
        Lookup::ByRefundId(by_refund_id())
    );
    assert_eq!(
        *plan("bluepay", 3).lookup(),
        Lookup::ByPayment(by_payment())
    );
    assert_eq!(*plan("bieases", 3).lookup(), Lookup::Impossible);
    let mut no_payment = input("bluepay");
    no_payment.original_transaction_id = None;
    assert_eq!(
        Lookup::for_refund(gateway_info("bluepay").unwrap(), &no_payment),
        Lookup::Impossible
    );
}

#[test]
fn an_answered_refund_is_returned_as_it_came_after_one_attempt() {
    let mut plan = plan("wisepay", 3);
    assert_eq!(expect_send(plan.start()), 0);
    let answer = record("wisepay", Some(REFUND_ID), RefundStatus::Pending);
    let Next::Done(settled) = plan.refund_answered(Ok(answer.clone())) else {
        panic!("not done")
    };
    assert_eq!(settled.result, answer);
    assert_eq!(
        (
            settled.report.attempts,
            settled.report.lookups,
            settled.report.reconciled
        ),
        (1, 0, false)
    );
}

#[test]
fn a_lost_answer_is_looked_up_by_refund_id_and_what_the_gateway_holds_is_returned() {
    for gateway in ["wisepay", "payermax"] {
        let mut plan = plan(gateway, 3);
        plan.start();
        let (query, after_ms) = expect_lookup(plan.refund_answered(Err(&lost())));
        assert_eq!((query, after_ms), (by_refund_id(), 100), "{gateway}");
        let held = record("wisepay", Some(REFUND_ID), RefundStatus::Succeeded);
        let Next::Done(settled) = plan.lookup_answered(Ok(vec![held.clone()])) else {
            panic!("{gateway}: not done")
        };
        assert_eq!(settled.result, held);
        assert!(settled.report.reconciled);
        assert_eq!((settled.report.attempts, settled.report.lookups), (1, 1));
    }
}

#[test]
fn a_refund_the_gateway_does_not_know_is_resent_with_the_same_number() {
    for (gateway, not_found) in [
        ("wisepay", "E04111"),
        ("payermax", "ORDER_NOT_EXIST"),
        ("bluepay", "21006"),
    ] {
        let mut plan = looking_up(gateway, 3);
        let after_ms = expect_send(plan.lookup_answered(Err(&refused(gateway, not_found))));
        assert_eq!(after_ms, 100, "{gateway}");
        let answer = record("wisepay", Some(REFUND_ID), RefundStatus::Pending);
        let Next::Done(settled) = plan.refund_answered(Ok(answer)) else {
            panic!("{gateway}: not done")
        };
        assert_eq!(
            (
                settled.report.attempts,
                settled.report.lookups,
                settled.report.reconciled
            ),
            (2, 1, false),
            "{gateway}"
        );
    }
}

#[test]
fn bluepay_finds_the_refund_among_the_payments_refunds_by_its_number() {
    let mut plan = plan("bluepay", 3);
    plan.start();
    let (query, _) = expect_lookup(plan.refund_answered(Err(&lost())));
    assert_eq!(query, by_payment());
    let earlier = record("bluepay", Some("R-EARLIER"), RefundStatus::Succeeded);
    let ours = record("bluepay", Some(REFUND_ID), RefundStatus::Pending);
    let Next::Done(settled) = plan.lookup_answered(Ok(vec![earlier.clone(), ours.clone()])) else {
        panic!("not done")
    };
    assert_eq!(settled.result, ours);
    assert!(settled.report.reconciled);
}

#[test]
fn bluepay_resends_when_the_payments_refunds_do_not_include_ours() {
    let mut plan = looking_up("bluepay", 3);
    let earlier = record("bluepay", Some("R-EARLIER"), RefundStatus::Succeeded);
    expect_send(plan.lookup_answered(Ok(vec![earlier])));
    // An empty list says the same.
    let mut plan2 = looking_up("bluepay", 3);
    expect_send(plan2.lookup_answered(Ok(vec![])));
}

#[test]
fn bieases_never_resends_and_says_where_to_learn_the_outcome() {
    let mut plan = plan("bieases", 5);
    plan.start();
    let Next::Fail(failed) = plan.refund_answered(Err(&lost())) else {
        panic!("BIEASES must not look up or resend")
    };
    let error = failed.error.expect("an error of its own");
    assert_eq!(error.code, ErrorCode::Transport);
    assert_eq!(error.delivery, Some(Delivery::Unknown));
    for words in [
        "unknown",
        "notification",
        "merchant portal",
        "gatewayRefundId",
        "never send it under a new refund number",
        REFUND_ID,
    ] {
        assert!(error.message.contains(words), "{words}: {}", error.message);
    }
    assert_eq!((failed.report.attempts, failed.report.lookups), (1, 0));
}

#[test]
fn a_refusal_or_a_failure_before_sending_is_handed_back_without_a_retry() {
    for gateway in ["wisepay", "payermax", "bluepay", "bieases"] {
        for error in [
            refused(gateway, "E04132"),
            // Even the "number used" code: on a first send it is the caller's own reuse.
            refused(gateway, "E04131"),
            Error::new(ErrorCode::KeyInvalid, "no key").with_delivery(Delivery::NotSent),
            Error::new(ErrorCode::InputInvalid, "bad"),
        ] {
            let mut plan = plan(gateway, 5);
            plan.start();
            let Next::Fail(failed) = plan.refund_answered(Err(&error)) else {
                panic!("{gateway}: {error} was retried")
            };
            assert_eq!(failed.error, None, "{gateway}: handed back as it is");
            assert_eq!((failed.report.attempts, failed.report.lookups), (1, 0));
        }
    }
}

#[test]
fn a_resend_refused_as_a_used_number_means_an_earlier_send_landed_and_is_looked_up() {
    for (gateway, not_found, duplicate) in [
        ("wisepay", "E04111", "E04131"),
        ("payermax", "ORDER_NOT_EXIST", "REFUND_NO_INVALID"),
        ("bluepay", "21006", "21407"),
    ] {
        let mut plan = looking_up(gateway, 3);
        expect_send(plan.lookup_answered(Err(&refused(gateway, not_found))));
        expect_lookup(plan.refund_answered(Err(&refused(gateway, duplicate))));
        let ours = record("wisepay", Some(REFUND_ID), RefundStatus::Succeeded);
        let Next::Done(settled) = plan.lookup_answered(Ok(vec![ours])) else {
            panic!("{gateway}: not done")
        };
        assert_eq!((settled.report.attempts, settled.report.lookups), (2, 2));
        assert!(settled.report.reconciled);
    }
}

#[test]
fn a_resend_refused_for_another_reason_is_handed_back() {
    let mut plan = looking_up("payermax", 3);
    expect_send(plan.lookup_answered(Err(&refused("payermax", "ORDER_NOT_EXIST"))));
    let Next::Fail(failed) = plan.refund_answered(Err(&refused("payermax", "AMOUNT_INVALID")))
    else {
        panic!("a refusal was retried")
    };
    assert_eq!(failed.error, None);
    assert_eq!(failed.report.attempts, 2);
}

#[test]
fn lookups_that_fail_are_retried_with_growing_waits_then_the_outcome_is_reported_unknown() {
    let mut plan = plan("wisepay", 3);
    plan.start();
    let (_, first) = expect_lookup(plan.refund_answered(Err(&lost())));
    let (_, second) = expect_lookup(plan.lookup_answered(Err(&lost())));
    // A refusal that is not "no such refund" (a rate limit) proves nothing either.
    let (_, third) = expect_lookup(plan.lookup_answered(Err(&refused("wisepay", "SYS999"))));
    assert_eq!((first, second, third), (100, 200, 400));
    let Next::Fail(failed) = plan.lookup_answered(Err(&lost())) else {
        panic!("the lookups did not stop")
    };
    let error = failed.error.expect("an error about the refund");
    assert_eq!(error.delivery, Some(Delivery::Unknown));
    assert!(
        error.message.contains("3 lookups did not settle it"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("query it later by refundId"),
        "{}",
        error.message
    );
    assert_eq!((failed.report.attempts, failed.report.lookups), (1, 3));
}

#[test]
fn a_lookup_answering_with_another_refunds_number_proves_nothing() {
    let mut plan = looking_up("payermax", 2);
    let other = record("payermax", Some("R-OTHER"), RefundStatus::Succeeded);
    expect_lookup(plan.lookup_answered(Ok(vec![other])));
}

#[test]
fn a_lost_resend_is_reconciled_again_and_the_attempts_are_bounded() {
    let mut plan = looking_up("payermax", 2);
    expect_send(plan.lookup_answered(Err(&refused("payermax", "ORDER_NOT_EXIST"))));
    expect_lookup(plan.refund_answered(Err(&lost())));
    // The gateway still holds nothing, and both attempts are spent: nothing was refunded.
    let Next::Fail(failed) = plan.lookup_answered(Err(&refused("payermax", "ORDER_NOT_EXIST")))
    else {
        panic!("a third attempt was sent")
    };
    let error = failed.error.expect("an error about the refund");
    assert_eq!(error.delivery, Some(Delivery::Refused));
    assert!(
        error.message.contains("nothing was refunded"),
        "{}",
        error.message
    );
    assert_eq!((failed.report.attempts, failed.report.lookups), (2, 2));
}

#[test]
fn one_attempt_still_reconciles_but_never_resends() {
    let mut plan = looking_up("wisepay", 1);
    let Next::Fail(failed) = plan.lookup_answered(Err(&refused("wisepay", "E04111"))) else {
        panic!("resent with one attempt")
    };
    assert_eq!(failed.report.attempts, 1);
}

#[test]
fn the_retry_option_is_read_strictly() {
    let read = |v: Value| RetryPolicy::from_json(&lib_json(&v));
    assert_eq!(read(json!(null)).unwrap(), None);
    assert_eq!(read(json!(false)).unwrap(), None);
    assert_eq!(read(json!(true)).unwrap(), Some(RetryPolicy::default()));
    let policy = read(json!({"attempts": 4, "backoffMs": 0}))
        .unwrap()
        .unwrap();
    assert_eq!((policy.attempts(), policy.backoff_ms()), (4, 0));
    for (bad, field) in [
        (json!({"attempts": 0}), "retry.attempts"),
        (json!({"attempts": 11}), "retry.attempts"),
        (json!({"attempts": 2.5}), "retry.attempts"),
        (json!({"attempts": "3"}), "retry.attempts"),
        (json!({"backoffMs": -1}), "retry.backoffMs"),
        (json!({"backoffMs": MAX_BACKOFF_MS + 1}), "retry.backoffMs"),
        (json!({"tries": 3}), "retry"),
        (json!(3), "retry"),
    ] {
        let error = read(bad.clone()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InputInvalid, "{bad}");
        assert_eq!(error.field.as_deref(), Some(field), "{bad}");
    }
}

#[test]
fn waits_double_up_to_the_cap() {
    let policy = RetryPolicy::new(10, 20_000).unwrap();
    let waits: Vec<u32> = (1..=4).map(|n| policy.delay_ms(n)).collect();
    assert_eq!(waits, [20_000, 40_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
    assert_eq!(policy.delay_ms(u32::MAX), MAX_BACKOFF_MS);
}

#[test]
fn queries_are_retried_plainly_on_unknown_outcomes_only() {
    let policy = RetryPolicy::new(3, 50).unwrap();
    assert_eq!(policy.query_retry_after(1, &lost()), Some(50));
    assert_eq!(policy.query_retry_after(2, &lost()), Some(100));
    assert_eq!(policy.query_retry_after(3, &lost()), None);
    assert_eq!(
        policy.query_retry_after(1, &refused("payermax", "PARAMS_INVALID")),
        None
    );
    let not_sent = Error::config("no fetch").with_delivery(Delivery::NotSent);
    assert_eq!(policy.query_retry_after(1, &not_sent), None);
}

// -- The gateways' own answers, parsed from the wire, lead where the table says. -----------------

fn wisepay_refusal(code: &str) -> refundkit::RawResponse {
    let msg = format!("[{code}]refused");
    let fields = [("code", code), ("msg", msg.as_str()), ("psn", "SBX1")];
    let canonical = refundkit::hazmat::canonical_string(&fields);
    let signature = sign(&gateway_key(), canonical.as_bytes(), HashAlg::Sha256).unwrap();
    json_response(
        json!({"code": code, "msg": msg, "psn": "SBX1", "sign": signature})
            .to_string()
            .as_bytes(),
    )
}

fn payermax_refusal(code: &str) -> refundkit::RawResponse {
    let body = json!({"code": code, "msg": "refused", "data": null}).to_string();
    let signature = sign(&gateway_key(), body.as_bytes(), HashAlg::Sha256).unwrap();
    received(
        &[("content-type", "application/json"), ("sign", &signature)],
        &body,
    )
}

fn unsigned_refusal(gateway: &str, code: u32) -> refundkit::RawResponse {
    let text = if gateway == "bluepay" {
        "message"
    } else {
        "msg"
    };
    json_response(
        json!({"code": code, text: "refused", "data": null})
            .to_string()
            .as_bytes(),
    )
}

/// The refusal a lookup (`query`) or a refund answer gets, parsed by the gateway's own client, with
/// the delivery the sending calls give a refusal.
fn parsed_refusal(gateway: &str, response: &refundkit::RawResponse, query: bool) -> Error {
    let client = client_with(gateway, json!({})).unwrap();
    let error = if query {
        client.parse_refund_query_response(response).unwrap_err()
    } else {
        client.parse_refund_response(response).unwrap_err()
    };
    assert_eq!(error.code, ErrorCode::GatewayError, "{gateway}: {error}");
    error.with_delivery(Delivery::Refused)
}

#[test]
fn each_gateways_own_no_such_refund_answer_leads_to_a_resend() {
    for (gateway, response) in [
        ("wisepay", wisepay_refusal("E04111")),
        ("payermax", payermax_refusal("ORDER_NOT_EXIST")),
        ("bluepay", unsigned_refusal("bluepay", 21006)),
    ] {
        let not_found = parsed_refusal(gateway, &response, true);
        let mut plan = looking_up(gateway, 3);
        expect_send(plan.lookup_answered(Err(&not_found)));
    }
}

#[test]
fn each_gateways_own_number_used_answer_to_a_resend_leads_to_a_lookup() {
    for (gateway, not_found, response) in [
        ("wisepay", "E04111", wisepay_refusal("E04131")),
        (
            "payermax",
            "ORDER_NOT_EXIST",
            payermax_refusal("REFUND_NO_INVALID"),
        ),
        ("bluepay", "21006", unsigned_refusal("bluepay", 21407)),
    ] {
        let duplicate = parsed_refusal(gateway, &response, false);
        let mut plan = looking_up(gateway, 3);
        expect_send(plan.lookup_answered(Err(&refused(gateway, not_found))));
        expect_lookup(plan.refund_answered(Err(&duplicate)));
    }
}

#[test]
fn bieases_answers_parse_but_lead_to_no_resend() {
    let duplicate = parsed_refusal("bieases", &unsigned_refusal("bieases", 44009), false);
    let mut plan = plan("bieases", 3);
    plan.start();
    assert!(matches!(
        plan.refund_answered(Err(&duplicate)),
        Next::Fail(_)
    ));
}
