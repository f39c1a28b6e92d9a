#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/<target>/ from the fixtures and the wire
samples the tests use. Each gateway seed starts with its mode byte (0 unsigned, 1 forged signature,
2 signed by the test gateway key), as the targets read it."""
import base64
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
OUT = ROOT / "fuzz" / "corpus"
UNSIGNED, FORGED, SIGNED = b"\x00", b"\x01", b"\x02"


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def der(name):
    text = (FIX / name).read_text()
    body = "".join(l for l in text.splitlines() if not l.startswith("-----"))
    return base64.b64decode(body)


vectors = json.loads((FIX / "vectors.json").read_text())

# key_import: mode 0 text as given, 1 base64 of DER, 2 PEM "PRIVATE KEY", 3 PEM "PUBLIC KEY"
for f in ["merchant_test_key.pem", "merchant_test_key.pkcs1.pem", "merchant_test_key.pub.pem",
          "merchant_test_key.pub.pkcs1.pem", "ec_p256_test_key.pem", "weak_1024_test_key.pem",
          "merchant_4096_test_key.pub.pem"]:
    stem = f.replace(".", "_")
    write("key_import", f"text_{stem}", b"\x00" + (FIX / f).read_bytes())
    write("key_import", f"der_{stem}", b"\x01" + der(f))
write("key_import", "der_in_private_pem", b"\x02" + der("merchant_test_key.pem"))
write("key_import", "der_in_public_pem", b"\x03" + der("gateway_test_key.pub.pem"))
write("key_import", "vector_wisepay_private", b"\x00" + vectors["wisepay"]["privateKey"].encode())
write("key_import", "vector_payermax_public", b"\x00" + vectors["payermax"]["publicKey"].encode())
write("key_import", "encrypted_pem", b"\x00-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n")
write("key_import", "unterminated_pem", b"\x00-----BEGIN PRIVATE KEY-----\nMIIB")

# amount: selector byte (currency index in the low bits, max digits in the high nibble) + text
for i, (sel, text) in enumerate([(0x20, "10.50"), (0x21, "1"), (0x32, "1.234"), (0x20, "0.01"),
                                  (0x20, "0"), (0x20, "-1"), (0x20, "1e3"), (0x20, " 1.5 "),
                                  (0x20, "1.005"), (0xF0, "340282366920938463463374607431768211455"),
                                  (0xF0, "99999999999999999999999999999999999999.9"), (0x20, "00012.300"),
                                  (0x20, "."), (0x20, "1."), (0x20, ".5"), (0x24, "10000")]):
    write("amount", f"amount_{i:02}", bytes([sel]) + text.encode())

# refund_input: caller JSON
inputs = [
    {"refundId": "R-2024_0001", "originalOrderId": "ORDER_0001", "amount": "12.3", "currency": "USD"},
    {"refundId": "refund488455057142", "originalTransactionId": "CU518563189147832780", "amount": "100",
     "currency": "THB", "reason": "testRefund", "notifyUrl": "http://www.test.com"},
    {"refundId": "R-1001", "originalTransactionId": "01J143NWJFNGBV2YB9ZRB9T7PS", "amount": "10.50",
     "currency": "USD", "extra": {"refundInfos": [{"goodsDesc": "R-1001", "refundGoodAmount": "10.50"}]}},
    {"refundId": "R1642411016202", "originalOrderId": "P1642410680681", "amount": "100", "currency": "IDR",
     "notifyUrl": "https://example.com/notify", "extra": {"comments": "x"}},
    {"refundId": "R1", "gatewayRefundId": "20220117091657TI790000055087"},
    {"originalTransactionId": "CU1"},
    {"refundId": "R\r\n1", "amount": 1.5, "currency": "usd", "__proto__": {}},
    {"refundId": "R1", "originalOrderId": "O1", "amount": "1.001", "currency": "JPY"},
    [],
    "R1",
]
for i, v in enumerate(inputs):
    write("refund_input", f"input_{i:02}", json.dumps(v))

# payermax: responses and notifications
PM_RESPONSE = '{"code":"APPLY_SUCCESS","msg":"","data":{"outRefundNo":"R1642411016202","tradeOrderNo":"20220117091121TI366100056090","refundTradeNo":"20220117091657TI790000055087","status":"REFUND_PENDING"}}'
PM_NOTIFY = '{"code":"APPLY_SUCCESS","msg":"Success.","keyVersion":"1","appId":"a0dddd1f622243cb9aa1b676e808b5f8","merchantNo":"02021382719993","notifyTime":"2022-01-17T09:33:54.540+00:00","notifyType":"REFUND","data":{"outRefundNo":"R1642411016202","refundTradeNo":"20220117091657TI790000055087","outTradeNo":"P1642410680681","refundAmount":10000,"refundCurrency":"IDR","refundFinishTime":"2023-10-20T03:28:23.092Z","status":"REFUND_SUCCESS"}}'
PM_QUERY = '{"code":"APPLY_SUCCESS","msg":"","data":[{"outRefundNo":"R1","refundAmount":"10.5","refundCurrency":"USD","status":"REFUND_FAILED"}]}'
for name, body in [("response", PM_RESPONSE), ("notification", PM_NOTIFY), ("query", PM_QUERY),
                   ("refused", '{"code":"ORDER_NOT_EXIST","msg":"no such order"}'),
                   ("vector_body", vectors["payermax"]["body"])]:
    for tag, mode in [("unsigned", UNSIGNED), ("forged", FORGED), ("signed", SIGNED)]:
        write("payermax", f"{name}_{tag}", mode + body.encode())

# bluepay
BP_RESPONSE = '{"code":10000,"message":"Success","data":{"mchRefundOrderId":"refund488455057142","refundTransactionId":"1818566685947728","refundCreateTime":"2024-07-31 16:37:40","refundAmount":10000,"refundStatus":"PENDING"}}'
BP_LIST = '{"code":10000,"message":"Success","data":[{"refundStatus":"COMPLETE","refundAmount":10000},{"refundStatus":"FAIL","failReason":"x"}]}'
BP_PARAM = '{"eventName":"payment.refund.success","mchRefundOrderId":"refund488455057142","refundTransactionId":"1818566685947728","originalTransactionId":"CU518563189147832780","refundAmount":10000,"feeRefunded":1000,"refundStatus":"COMPLETE","refundCreateTime":"2024-07-31 11:38:54","refundReturnTime":"2024-07-31 11:38:54"}'
for name, body, mode in [("response", BP_RESPONSE, UNSIGNED), ("list", BP_LIST, UNSIGNED),
                         ("null_list", '{"code":10000,"message":"Success","data":null}', UNSIGNED),
                         ("error", '{"code":21002,"message":"param error"}', UNSIGNED),
                         ("notification", json.dumps({"param": BP_PARAM, "sign": "AAAA"}), UNSIGNED),
                         ("param_forged", BP_PARAM, FORGED), ("param_signed", BP_PARAM, SIGNED),
                         ("param_odd_amount", BP_PARAM.replace("10000", "1e4"), SIGNED)]:
    write("bluepay", name, mode + body.encode())

# wisepay: envelopes (the signed mode re-signs whatever object it is given)
WP_DATA = json.dumps({"merchant_order_no": "R1", "trans_no": "T1", "trans_status": "2", "order_amount": "12.30", "price_currency": "USD"})
WP_RESPONSE = json.dumps({"code": "0", "msg": "success", "psn": "p1", "data": WP_DATA})
WP_NOTIFY = json.dumps({"merchant_order_no": "R1", "trans_no": "T1", "trans_status": "1", "order_amount": 1.50, "price_currency": "JPY", "trans_error_msg": "declined"})
WP_FORM = "merchant_order_no=R1&trans_no=T1&trans_status=2&order_amount=12.30&price_currency=USD&sign=AAAA"
for name, body, mode in [("response_unsigned", WP_RESPONSE, UNSIGNED), ("response_signed", WP_RESPONSE, SIGNED),
                         ("notify_signed", WP_NOTIFY, SIGNED), ("notify_unsigned", WP_NOTIFY, UNSIGNED),
                         ("form", WP_FORM, FORGED), ("error", '{"code":"40001","msg":"bad","psn":"p"}', UNSIGNED),
                         ("hidden_field", json.dumps({"code": "0", "msg": "ok&trans_status=2", "data": WP_DATA}), SIGNED),
                         ("duplicate", '{"code":"0","code":"0","sign":"AAAA"}', UNSIGNED),
                         ("data_object", json.dumps({"code": "0", "data": json.loads(WP_DATA)}), SIGNED)]:
    write("wisepay", name, mode + body.encode())

# wisepay_canonical: records split by 0x00, key/value by 0x01
wv = vectors["wisepay"]
canonical_fields = [f.split("=", 1) for f in wv["canonical"].split("&")]
write("wisepay_canonical", "vector", b"\x00".join(k.encode() + b"\x01" + v.encode() for k, v in canonical_fields))
for i, recs in enumerate([[("trans_status", "2"), ("merchant_order_no", "R1")],
                          [("msg", "ok&trans_status=2"), ("trans_status", "0")],
                          [("a&b", "1"), ("c", "")],
                          [("data", WP_DATA), ("code", "0")],
                          [("reason", "a=b&c"), ("x", "\u53e3\u5ea7")]]):
    write("wisepay_canonical", f"fields_{i}", b"\x00".join(k.encode() + b"\x01" + v.encode() for k, v in recs))

# bieases: plaintext business bodies (signed mode encrypts them), and raw envelopes
BI_NOTIFY = json.dumps({"merchantId": "B131567545069", "event": "REFUND_SUCCESS", "refundId": "2013112111001004500000675973", "referRefundNo": "R-1001", "paymentId": "01J143NWJFNGBV2YB9ZRB9T7PS", "status": "SUCCESS", "refundAmount": 10.50, "currency": "USD"})
for name, body, mode in [("notify_signed", BI_NOTIFY, SIGNED),
                         ("status_only", json.dumps({"refundId": "1", "status": "PROCESSING"}), SIGNED),
                         ("not_json", "not json", SIGNED),
                         ("forged", "aGVsbG8gd29ybGQhISEhISEhIQ==", FORGED),
                         ("plain_response", json.dumps({"code": 20000, "msg": "", "data": {"refundId": "1", "status": "SUCCESS"}}), UNSIGNED),
                         ("error_response", json.dumps({"code": "40001", "msg": "bad"}), UNSIGNED),
                         ("envelope", json.dumps({"merchantId": "B131567545069", "timestamp": "1763776800000", "body": "AAAAAAAAAAAAAAAAAAAAAA==", "sign": "AAAA"}), UNSIGNED)]:
    write("bieases", name, mode + body.encode())

# verify: 0 a signature as given, 1 a patch (offset byte + bytes) over the exact encoding, 2 a whole
# encoded message. "patch_nothing" is the valid signature: the target signs the exact encoding raw
# with the fixture key.
K = 256
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
write("verify", "patch_nothing", b"\x01\x00")
write("verify", "patch_block_type", b"\x01\x01\x02")
write("verify", "patch_separator", b"\x01" + bytes([K - 52]) + b"\xff")
write("verify", "patch_digest_info_null", b"\x01" + bytes([K - 51 + 15]) + b"\x00\x00")
write("verify", "em_block_type_1_short_padding", b"\x02\x00\x01\xff\x00" + SHA256_PREFIX + bytes(32))
write("verify", "sig_zero", b"\x00" + bytes(K))
write("verify", "sig_ones", b"\x00" + b"\xff" * K)
write("verify", "sig_short", b"\x00\x01")

# Inputs that stopped earlier fuzz runs, kept as seeds (the fixes have regression tests).
write("amount", "regression_35_digit_formatted", b"\xaf7402209384634633740743176821")
write("refund_input", "regression_empty_key", '{"": "testRefund", "notifyUrl": "http::/www.test.com"}')
