/**
 * undici's proxying dispatcher, in a module of its own: the build makes it a file beside the binary
 * (`dist/cli-proxy-agent.js`), read only when the environment names a proxy, so the binary's start-up
 * does not parse undici (a megabyte) on every run.
 */
export { EnvHttpProxyAgent } from 'undici';
