/**
 * Which operation a request names, from the generated operation table: each path template becomes a
 * pattern (a parameter is one non-empty, decoded segment). Knows nothing about what operations do.
 */
import { OPERATIONS, type OperationId } from '../../generated/operations.js';
import { BASE_PATH } from './defaults.js';

/** A request matched to an operation, with its path parameters decoded; `allow` when only the method was wrong. */
export type Match = { operationId: OperationId; params: Record<string, string> } | { operationId: undefined; allow?: string };

const ROUTES = (Object.keys(OPERATIONS) as OperationId[]).map((operationId) => {
  const op = OPERATIONS[operationId];
  return { operationId, method: op.method as string, pattern: op.pathPattern, names: op.pathParams };
});

/** The operation `method` and `pathname` (under {@link BASE_PATH}) name, if any. */
export function matchRoute(method: string, pathname: string): Match {
  if (!pathname.startsWith(`${BASE_PATH}/`)) return { operationId: undefined };
  const path = pathname.slice(BASE_PATH.length);
  let allow: string | undefined;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allow ??= route.method;
      continue;
    }
    const params: Record<string, string> = {};
    try {
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return { operationId: undefined };
    }
    return { operationId: route.operationId, params };
  }
  return allow ? { operationId: undefined, allow } : { operationId: undefined };
}
