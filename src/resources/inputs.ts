/**
 * Checking a run's `inputs` against its technique's definition (`GET /techniques/{techniqueId}`) before
 * the run is started and charged. The run schema only says an input is `{id, type, value}` (or, on the
 * top-level route, any map); the definition says which ids the technique takes, of which type, and which
 * it needs. Asked for with `checkInputs: true` (per call or on the client), or directly with
 * `techniques.checkInputs(...)`.
 */
import type { Technique, TechniqueInputOutput } from '../../generated/answers.js';
import { INPUT_TYPES } from '../../generated/constants.js';
import type { FieldError } from '../../generated/openapi.js';
import { InputValidationError } from '../core/errors.js';
import type { Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';
import { describeFields } from '../core/errors.js';

/** Options of the methods that start a run: a request's, plus `checkInputs`. */
export interface RunStartOptions extends RequestOptions {
  /**
   * Check `inputs` against the technique's definition first (one `GET /techniques/{id}`, cached for 5
   * minutes), and refuse with `InputValidationError` naming each input before anything is started. Default:
   * the client's `checkInputs` option, else off.
   */
  checkInputs?: boolean | undefined;
  /**
   * Where the local files among the inputs (`flora.file(...)`) are uploaded, for the nested route (the
   * top-level route's body names its workspace). Default: the client's `workspaceId`, else the key's one
   * workspace.
   */
  workspaceId?: string | undefined;
}

/** The inputs of either route: the nested route's array, or the top-level route's map. */
export type RunInputs = readonly { id: string; type: string; value: unknown }[] | Readonly<Record<string, unknown>>;

const RUN_TYPES: readonly string[] = INPUT_TYPES;
const URL_TYPES = new Set(['imageUrl', 'videoUrl', 'audioUrl', 'documentUrl']);

const isHttpUrl = (v: string) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

function valueProblems(field: string, def: TechniqueInputOutput, value: unknown): FieldError[] {
  const many = def.allow_multiple === true && Array.isArray(value);
  const values = many ? (value as unknown[]) : [value];
  const out: FieldError[] = [];
  values.forEach((v, i) => {
    const at = many ? `${field}[${i}]` : field;
    if (typeof v !== 'string') out.push({ field: at, message: `must be a string (the technique's ${def.type} input "${def.name}")` });
    else if (URL_TYPES.has(def.type) && !isHttpUrl(v)) out.push({ field: at, message: `must be an http(s) URL: the technique's input "${def.name}" is ${def.type}` });
  });
  return out;
}

/**
 * The problems of `inputs` for `technique`, each naming the input: an id the technique does not take, a
 * type other than the definition's, a value that is not a URL where the definition wants one, a required
 * input left out, and an input type the definition lists but the run request cannot carry (FLORA's
 * definitions list `audioUrl` and `documentUrl` inputs; the run schema takes `text`, `imageUrl` and
 * `videoUrl` only). An empty array when they fit.
 */
export function inputProblems(technique: Pick<Technique, 'technique_id' | 'name' | 'inputs'>, inputs: RunInputs): FieldError[] {
  const defs = new Map((technique.inputs ?? []).map((d) => [d.id, d]));
  const takes = [...defs.keys()].join(', ') || 'none';
  const out: FieldError[] = [];
  const given = new Set<string>();
  const unknown = (field: string, id: string) => out.push({ field, message: `"${id}" is not an input of ${technique.name} (${technique.technique_id}); it takes: ${takes}` });
  if (Array.isArray(inputs)) {
    inputs.forEach((input: { id: string; type: string; value: unknown }, i) => {
      const def = defs.get(input.id);
      if (!def) return unknown(`inputs[${i}].id`, input.id);
      if (given.has(input.id) && def.allow_multiple !== true) out.push({ field: `inputs[${i}].id`, message: `"${input.id}" is given more than once, and ${technique.name} takes one value for it` });
      given.add(input.id);
      if (!RUN_TYPES.includes(def.type)) {
        out.push({
          field: `inputs[${i}].type`,
          message: `${technique.name}'s input "${def.id}" is ${def.type}, a type its definition allows but the run request does not (it takes ${RUN_TYPES.join(', ')}); this route cannot send it`,
        });
      } else if (input.type !== def.type) out.push({ field: `inputs[${i}].type`, message: `must be ${def.type} (the technique's input "${def.name}"), not ${input.type}` });
      else out.push(...valueProblems(`inputs[${i}].value`, def, input.value));
    });
  } else {
    for (const [id, value] of Object.entries(inputs)) {
      const def = defs.get(id);
      if (!def) {
        unknown(`inputs.${id}`, id);
        continue;
      }
      given.add(id);
      out.push(...valueProblems(`inputs.${id}`, def, value));
    }
  }
  for (const def of defs.values()) {
    if (def.optional !== true && !given.has(def.id)) {
      const unsendable = Array.isArray(inputs) && !RUN_TYPES.includes(def.type);
      out.push({
        field: 'inputs',
        message: unsendable
          ? `${technique.name} requires "${def.id}" (${def.type}), which the run request cannot carry (it takes ${RUN_TYPES.join(', ')}): use the top-level route (runs.startTechnique), whose inputs are a map`
          : `${technique.name} requires "${def.id}" (${def.type}), which is missing`,
      });
    }
  }
  return out;
}

/** How long a definition is trusted: a technique's inputs change rarely, and a check must not cost a GET per run. */
const DEFINITION_TTL_MS = 5 * 60_000;

/** Fetches and caches definitions, and checks inputs against them. One per client. */
export class InputChecker {
  readonly #requester: Requester;
  readonly #cache = new Map<string, { until: number; definition: Promise<Technique> }>();
  /** The client's `checkInputs` option. */
  readonly enabled: boolean;

  /** @internal */
  constructor(requester: Requester, enabled: boolean) {
    this.#requester = requester;
    this.enabled = enabled;
  }

  /** The technique's definition, from the cache when fresh; a failed read is not kept. */
  definition(techniqueId: string, options: RequestOptions = {}): Promise<Technique> {
    const hit = this.#cache.get(techniqueId);
    if (hit && hit.until > Date.now()) return hit.definition;
    const definition = Promise.resolve(this.#requester.call('getTechnique', { params: { techniqueId } }, { signal: options.signal, timeout: options.timeout, maxRetries: options.maxRetries, deadline: options.deadline, fetchOptions: options.fetchOptions }));
    this.#cache.set(techniqueId, { until: Date.now() + DEFINITION_TTL_MS, definition });
    definition.catch(() => this.#cache.delete(techniqueId));
    return definition;
  }

  /** The problems of `inputs` for the technique (see `inputProblems`). */
  async problems(techniqueId: string, inputs: RunInputs, options: RequestOptions = {}): Promise<FieldError[]> {
    return inputProblems(await this.definition(techniqueId, options), inputs);
  }

  /** Resolves when the call should go ahead: checking was not asked for, or the inputs fit; else throws `InputValidationError`. */
  async before(techniqueId: string, inputs: RunInputs, options: RunStartOptions): Promise<void> {
    if (!(options.checkInputs ?? this.enabled)) return;
    const fields = await this.problems(techniqueId, inputs, options);
    if (fields.length > 0) {
      throw new InputValidationError({ status: undefined, message: `Inputs do not fit technique ${techniqueId}'s definition, nothing sent: ${describeFields(fields)}`, fields });
    }
  }
}
