/** The matrix program in a browser page: runs it against the simulator named in the page's query, and posts the findings back to the page's server. */
import { check } from './program.mjs';

const params = new URLSearchParams(location.search);
check(params.get('base'), params.get('key')).then(
  (results) => fetch('/result', { method: 'POST', body: JSON.stringify(results) }),
  (e) => fetch('/result', { method: 'POST', body: JSON.stringify({ page: `threw ${String(e)}` }) }),
);
