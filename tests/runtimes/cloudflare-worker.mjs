// A Cloudflare Worker: the package root, which wrangler resolves with the `workerd` condition.
import * as rk from 'refundkit';
import { scenario } from './scenario.mjs';
import data from './data.mjs';

export default {
  async fetch() {
    try {
      return Response.json(await scenario(rk, data));
    } catch (error) {
      return Response.json({ ok: false, error: String(error?.stack ?? error) });
    }
  },
};
