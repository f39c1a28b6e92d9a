// Node ESM entry: the same objects as the CommonJS entry, so `instanceof RefundKitError` holds
// whichever way the package was loaded.
import refundkit from './node.cjs';

export const { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes } = refundkit;

/** Nothing to do in Node: the module is ready on import. Present so code can call init() everywhere. */
export async function init() {}
