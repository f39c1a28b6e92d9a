// refundkit/sandbox: the local sandbox gateways, for integration tests in the projects that use
// refundkit. The implementation lives with the console it also serves (www/sandbox); this entry
// only gives it a stable name in the package. Node only.
export { startSandbox, GATEWAYS, DEFAULT_REFUND_DELAY_MS, DEFAULT_NOTIFY_TIME_SCALE } from '../www/sandbox/index.mjs';
