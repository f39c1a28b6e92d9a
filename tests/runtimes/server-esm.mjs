// Node, Deno and Bun: the package root through `import`.
import * as rk from 'refundkit';
import { scenario } from './scenario.mjs';
import data from './data.mjs';

console.log(JSON.stringify(await scenario(rk, data)));
