// A strict TypeScript project: the scenario called with the package's own types, and proof that
// importing refundkit brings no DOM globals into a project that has none.
import * as rk from 'refundkit';
import type { RefundClientConfig, RefundResult, SignedRequest, FetchLike } from 'refundkit';
import { scenario } from './scenario.mjs';
import data from './data.mjs';

const config = data.config as unknown as RefundClientConfig;
const client = new rk.RefundClient(config);
const request: SignedRequest = await client.buildRefundAsync({ refundId: 'R1', originalOrderId: 'O1', amount: '1.00', currency: 'USD' });
const fetch: FetchLike = async () => new Response('{}', { status: 200 });
const result: Promise<RefundResult> = new rk.RefundClient({ ...config, fetch }).refund({ refundId: 'R1', originalOrderId: 'O1', amount: '1.00', currency: 'USD' });
result.catch(() => undefined);
void request;

// @ts-expect-error -- `document` exists only where the project itself asks for the DOM lib.
export type NoDocument = typeof document;

console.log(JSON.stringify(await scenario(rk, data)));
