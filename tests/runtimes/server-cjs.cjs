// Node: the package root through `require`.
const rk = require('refundkit');

(async () => {
  const { scenario } = await import('./scenario.mjs');
  const { default: data } = await import('./data.mjs');
  console.log(JSON.stringify(await scenario(rk, data)));
})();
