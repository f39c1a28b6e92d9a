// Local stand-ins for the four gateways' answers, shared by the transport tests in Node and in
// Chromium: for each gateway a config, a refund and a query, how the request's signature is checked
// (node:crypto) and what the gateway answers, signed with the test gateway key where it signs.
import { canonical, keys, rsaSign, rsaVerify } from './helpers.mjs';

export const NOW = 1_722_415_059_000;

const json = (status, value, headers = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });

/** Per gateway: its config, what to ask, how its signature is checked and what it answers. */
export const gateways = {
  wisepay: {
    config: { appId: 'wz_test_app', merchantNo: '302100085224' },
    input: { refundId: 'R100', originalOrderId: 'O100', amount: '12.30', currency: 'USD', notifyUrl: 'https://shop.example/hook' },
    query: { refundId: 'R100' },
    requestVerifies: (body) => {
      const fields = JSON.parse(body);
      return rsaVerify(keys.merchantPublic, canonical(fields), fields.sign);
    },
    answer: (isQuery) => {
      const fields = {
        code: '0',
        msg: 'success',
        psn: 'psn-1',
        data: JSON.stringify({ merchant_order_no: 'R100', trans_no: 'T9', trans_status: isQuery ? '2' : '0', price_currency: 'USD', order_amount: '12.30' }),
      };
      fields.sign = rsaSign(keys.gatewayPrivate, canonical(fields));
      return json(200, fields);
    },
  },
  payermax: {
    config: { appId: 'app1', merchantNo: 'M1' },
    input: { refundId: 'R100', originalOrderId: 'O100', amount: '9.90', currency: 'USD' },
    query: { refundId: 'R100' },
    requestVerifies: (body, headers) => rsaVerify(keys.merchantPublic, body, headers.sign),
    answer: (isQuery) => {
      const data = isQuery
        ? { outRefundNo: 'R100', refundTradeNo: 'T9', refundAmount: 9.9, refundCurrency: 'USD', status: 'REFUND_SUCCESS' }
        : { outRefundNo: 'R100', refundTradeNo: 'T9', status: 'REFUND_PENDING' };
      const body = JSON.stringify({ code: 'APPLY_SUCCESS', msg: 'Success', data });
      return { status: 200, headers: { 'content-type': 'application/json', sign: rsaSign(keys.gatewayPrivate, body) }, body };
    },
  },
  bluepay: {
    config: { appId: 'app1' },
    input: { refundId: 'R100', originalTransactionId: 'TX1', amount: '100.00', currency: 'THB', notifyUrl: 'https://shop.example/hook' },
    query: { gatewayRefundId: 'T9' },
    requestVerifies: (body) => {
      const { param, sign } = JSON.parse(body);
      return rsaVerify(keys.merchantPublic, param, sign);
    },
    answer: (isQuery) => {
      const refund = { mchRefundOrderId: 'R100', refundTransactionId: 'T9', refundAmount: 10000, refundCreateTime: '2024-07-31 15:37:39' };
      return json(200, {
        code: 10000,
        message: 'Success',
        data: isQuery ? [{ ...refund, originalTransactionId: 'TX1', refundStatus: 'COMPLETE' }] : { ...refund, refundStatus: 'PENDING' },
      });
    },
  },
  bieases: {
    config: { merchantId: 'M1', aesKey: '0123456789abcdef', aesIv: 'abcdef9876543210' },
    input: { refundId: 'R100', originalTransactionId: 'P1', amount: '5.00', currency: 'USD' },
    query: { gatewayRefundId: 'T9' },
    requestVerifies: (body) => {
      const envelope = JSON.parse(body);
      return rsaVerify(keys.merchantPublic, envelope.body, envelope.sign);
    },
    answer: (isQuery) =>
      json(200, { code: 20000, msg: '', data: { refundId: 'T9', referRefundNo: 'R100', paymentId: 'P1', refundAmount: '5.00', status: isQuery ? 'SUCCESS' : 'PROCESSING' } }),
  },
};

