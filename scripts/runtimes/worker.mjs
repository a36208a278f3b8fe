/** The matrix program as a workerd worker: `GET /?base=<baseUrl>&key=<apiKey>` answers its findings as JSON. */
import { check } from './program.mjs';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    return Response.json(await check(url.searchParams.get('base'), url.searchParams.get('key')));
  },
};
