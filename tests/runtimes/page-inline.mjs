// A page bundled by esbuild or Rollup, which emit no .wasm asset: the entry with the modules inlined.
import * as rk from 'refundkit/inline';
import { reportToPage } from './scenario.mjs';
import data from './data.mjs';

reportToPage(rk, data);
