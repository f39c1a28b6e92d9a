// One realistic scenario per gateway for the benchmark: a config, a refund input, a refund query, a
// signed response and a signed notification, plus, for each, the exact bytes the RSA operation covers
// so node:crypto and WebCrypto can do the same RSA work on the same bytes. Messages "from the gateway"
// are signed here with node:crypto and the test gateway key.
import crypto from 'node:crypto';
import { bareKey as bare, canonical, fixture as pem } from '../tests/js/helpers.mjs';

export const keys = {
  merchantPrivatePem: pem('merchant_test_key.pem'),
  merchantPublicPem: pem('merchant_test_key.pub.pem'),
  gatewayPublicPem: pem('gateway_test_key.pub.pem'),
  merchantPrivate: bare('merchant_test_key.pem'),
  gatewayPublic: bare('gateway_test_key.pub.pem'),
};

const gatewayPrivate = crypto.createPrivateKey(pem('gateway_test_key.pem'));
const gatewaySign = (bytes, hash = 'sha256') => crypto.sign(hash, Buffer.from(bytes), gatewayPrivate).toString('base64');
const json = { 'content-type': 'application/json' };


function wisepay() {
  const NOW = 1723012596622;
  const responseFields = {
    code: '0',
    msg: 'success',
    psn: '08071436360012345678',
    data: JSON.stringify({
      trans_no: '2024080700001',
      orig_trans_no: '2024080600009',
      merchant_order_no: 'R-2024_0001',
      trans_status: '2',
      price_currency: 'USD',
      order_amount: '12.3',
      trans_end_time: '2024-08-07 06:36:36',
    }),
  };
  const notificationFields = {
    merchant_no: '302100085224',
    merchant_order_no: 'R-2024_0001',
    trans_no: '2024080700001',
    orig_trans_no: '2024080600009',
    trans_status: '2',
    price_currency: 'JPY',
    order_amount: '1000',
    description: '返金 テスト',
    trans_end_time: '2024-08-07 06:36:36',
  };
  const signed = (fields) => {
    const bytes = canonical(fields);
    return { body: JSON.stringify({ ...fields, sign: gatewaySign(bytes) }), bytes };
  };
  const response = signed(responseFields);
  const notification = signed(notificationFields);
  return {
    id: 'wisepay',
    now: NOW,
    config: { gateway: 'wisepay', environment: 'sg-sandbox', appId: 'wz715fc0d10ee9d156', merchantNo: '302100085224' },
    input: {
      refundId: 'R-2024_0001',
      originalOrderId: 'ORDER_1',
      originalTransactionId: '2024080600009',
      amount: '12.30',
      currency: 'USD',
      reason: 'damaged in transit',
      notifyUrl: 'https://shop.example/wisepay/notify',
    },
    query: { refundId: 'R-2024_0001' },
    signedBytes: (request) => canonical(JSON.parse(request.body)),
    signatureOf: (request) => JSON.parse(request.body).sign,
    response: { status: 200, headers: json, body: response.body },
    responseBytes: response.bytes,
    responseSignature: JSON.parse(response.body).sign,
    notification: { headers: json, body: notification.body },
    notificationBytes: notification.bytes,
    notificationSignature: JSON.parse(notification.body).sign,
  };
}

function payermax() {
  const NOW = 1705474883737;
  const response =
    '{"code":"APPLY_SUCCESS","msg":"","data":{"outRefundNo":"R1642411016202","tradeOrderNo":"20220117091121TI366100056090","refundTradeNo":"20220117091657TI790000055087","status":"REFUND_PENDING"}}';
  const notification =
    '{"code":"APPLY_SUCCESS","msg":"Success.","keyVersion":"1","appId":"a0dddd1f622243cb9aa1b676e808b5f8","merchantNo":"02021382719993","notifyTime":"2022-01-17T09:33:54.540+00:00","notifyType":"REFUND","data":{"outRefundNo":"R1642411016202","refundTradeNo":"20220117091657TI790000055087","outTradeNo":"P1642410680681","refundAmount":10000,"refundCurrency":"IDR","refundFinishTime":"2023-10-20T03:28:23.092Z","status":"REFUND_SUCCESS"}}';
  const responseSignature = gatewaySign(response);
  const notificationSignature = gatewaySign(notification);
  return {
    id: 'payermax',
    now: NOW,
    config: { gateway: 'payermax', environment: 'sandbox', appId: 'a0dddd1f622243cb9aa1b676e808b5f8', merchantNo: '02021382719993' },
    input: {
      refundId: 'R1642411016202',
      originalOrderId: 'P1642410680681',
      amount: '4.99',
      currency: 'USD',
      reason: 'customer request',
      notifyUrl: 'https://shop.example/payermax/notify',
    },
    query: { refundId: 'R1642411016202' },
    signedBytes: (request) => request.body,
    signatureOf: (request) => request.headers.sign,
    response: { status: 200, headers: { ...json, sign: responseSignature }, body: response },
    responseBytes: response,
    responseSignature,
    notification: { headers: { ...json, sign: notificationSignature }, body: notification },
    notificationBytes: notification,
    notificationSignature,
  };
}

function bluepay() {
  const NOW = 1722415059000;
  const param =
    '{"eventName":"payment.refund.success","mchRefundOrderId":"refund488455057142","refundTransactionId":"1818566685947728","originalTransactionId":"CU518563189147832780","refundAmount":10000,"feeRefunded":1000,"refundStatus":"COMPLETE","refundCreateTime":"2024-07-31 11:38:54","refundReturnTime":"2024-07-31 11:38:54"}';
  const notificationSignature = gatewaySign(param);
  return {
    id: 'bluepay',
    now: NOW,
    config: { gateway: 'bluepay', appId: '733b887a4a784708bb369524db5b6ded', baseUrl: 'https://openapi.bluepay.test/' },
    input: {
      refundId: 'refund488455057142',
      originalTransactionId: 'CU518563189147832780',
      amount: '100.00',
      currency: 'THB',
      reason: 'testRefund',
      notifyUrl: 'https://shop.example/bluepay/notify',
    },
    query: { gatewayRefundId: '1818566685947728' },
    signedBytes: (request) => JSON.parse(request.body).param,
    signatureOf: (request) => JSON.parse(request.body).sign,
    // BluePay does not sign its synchronous responses: parsing them involves no RSA.
    response: {
      status: 200,
      headers: json,
      body: '{"code":10000,"message":"Success","data":{"mchRefundOrderId":"refund488455057142","refundTransactionId":"1818566685947728","refundCreateTime":"2024-07-31 16:37:40","refundAmount":10000,"refundStatus":"PENDING"}}',
    },
    responseBytes: null,
    notification: { headers: json, body: JSON.stringify({ param, sign: notificationSignature }) },
    notificationBytes: param,
    notificationSignature,
  };
}

function bieases() {
  const NOW = 1_763_776_800_000;
  const MERCHANT_ID = 'B131567545069';
  const aesKey = Buffer.from('0123456789abcdef');
  const aesIv = Buffer.from('abcdef9876543210');
  const encrypt = (text) => {
    const cipher = crypto.createCipheriv('aes-128-cbc', aesKey, aesIv);
    return Buffer.concat([cipher.update(text), cipher.final()]).toString('base64');
  };
  const responseCipher = encrypt('{"paymentId":"01J143NWJFNGBV2YB9ZRB9T7PS","referRefundNo":"R-1001","refundId":"2013112111001004500000675973","refundAmount":"10.50","currency":"USD","status":"PROCESSING"}');
  const responseSignature = gatewaySign(responseCipher);
  const notificationCipher = encrypt(
    JSON.stringify({
      merchantId: MERCHANT_ID,
      event: 'payment.refund.success',
      refundId: '2013112111001004500000675973',
      paymentId: '01J143NWJFNGBV2YB9ZRB9T7PS',
      referRefundNo: 'R-1001',
      refundAmount: '10.5',
      currency: 'USD',
      status: 'SUCCESS',
      refundTime: 1706585572074,
      completeTime: '1706585579000',
      msg: '',
    }),
  );
  const notificationSignature = gatewaySign(notificationCipher);
  return {
    id: 'bieases',
    now: NOW,
    config: {
      gateway: 'bieases',
      environment: 'sandbox',
      merchantId: MERCHANT_ID,
      aesKey: aesKey.toString('utf8'),
      aesIv: aesIv.toString('utf8'),
    },
    input: {
      refundId: 'R-1001',
      originalTransactionId: '01J143NWJFNGBV2YB9ZRB9T7PS',
      amount: '10.5',
      currency: 'USD',
      reason: 'damaged',
      notifyUrl: 'https://shop.example/bieases/notify',
    },
    query: { gatewayRefundId: '2013112111001004500000675973' },
    // The default profile signs the base64 ciphertext that travels as `body`.
    signedBytes: (request) => JSON.parse(request.body).body,
    signatureOf: (request) => JSON.parse(request.body).sign,
    response: {
      status: 200,
      headers: json,
      body: JSON.stringify({ code: '20000', msg: 'SUCCESS', data: { sign: responseSignature, body: responseCipher } }),
    },
    responseBytes: responseCipher,
    responseSignature,
    notification: {
      headers: json,
      body: JSON.stringify({
        merchantId: MERCHANT_ID,
        method: 'bieases.trade.callback',
        format: 'json',
        charset: 'utf-8',
        encryptType: 'AES',
        signType: 'RSA',
        sign: notificationSignature,
        timestamp: NOW - 2000,
        body: notificationCipher,
      }),
    },
    notificationBytes: notificationCipher,
    notificationSignature,
  };
}

/** Every gateway's scenario, with the merchant and gateway keys filled into its config. */
export function scenarios() {
  return [wisepay(), payermax(), bluepay(), bieases()].map((s) => ({
    ...s,
    config: { ...s.config, privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic },
  }));
}
