// A bundled page: the package root as the bundler resolves it (the `browser` condition or field).
import * as rk from 'refundkit';
import { reportToPage } from './scenario.mjs';
import data from './data.mjs';

reportToPage(rk, data);
