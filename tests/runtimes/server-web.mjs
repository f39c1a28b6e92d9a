// Node: the browser entry, `refundkit/web`, loaded from disk with no argument to init().
import * as rk from 'refundkit/web';
import { scenario } from './scenario.mjs';
import data from './data.mjs';

console.log(JSON.stringify(await scenario(rk, data)));
