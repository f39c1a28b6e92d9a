// Node ESM entry: the same objects as the CommonJS entry, so `instanceof RefundKitError` holds
// whichever way the package was loaded.
import refundkit from './node.cjs';

export const { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways, init } = refundkit;
