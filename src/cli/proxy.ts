/**
 * The proxy the environment names, as curl and FLORA's Go CLI honour it (Node's fetch ignores these
 * variables): `HTTPS_PROXY` for https URLs (`HTTP_PROXY` when it is unset), `HTTP_PROXY` for http URLs,
 * `NO_PROXY` for hosts reached directly (`host`, `.domain`, `host:port`, `*`); each in lower case too,
 * which wins, as in curl. Read by undici's `EnvHttpProxyAgent`, handed to the client as `fetchOptions`.
 */
import type { FetchOptions } from '../core/send.js';

/** The variables that turn a proxy on. */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;

const either = (env: NodeJS.ProcessEnv, name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;

/** `fetchOptions` with a proxying dispatcher when the environment names a proxy; undefined otherwise. */
export async function proxyFetchOptions(env: NodeJS.ProcessEnv): Promise<FetchOptions | undefined> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return undefined;
  // Loaded only when a proxy is set: most runs never need undici (see proxy-agent.ts).
  const { EnvHttpProxyAgent } = await import('./proxy-agent.js');
  const dispatcher = new EnvHttpProxyAgent({ httpProxy: either(env, 'http_proxy'), httpsProxy: either(env, 'https_proxy'), noProxy: either(env, 'no_proxy') ?? '' });
  return { dispatcher };
}
