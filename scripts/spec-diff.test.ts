/**
 * The breaking-change guard: pure functions on two parsed specs (the real spec and edited copies of it), and the
 * command in a scratch git repository (identical, breaking, announced, on a branch).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { announcementsOf, diffSpecs, judge, names, type Change, type OpenAPIDoc } from './spec-diff.js';

const repo = resolve(import.meta.dirname, '..');
const specText = readFileSync(join(repo, 'spec', 'openapi.yaml'), 'utf8');
const base = parse(specText) as OpenAPIDoc;

/** A copy of the spec, edited. */
function edit(change: (doc: any) => void): OpenAPIDoc {
  const doc = structuredClone(base);
  change(doc);
  return doc;
}
const ids = (changes: Change[]) => changes.map((c) => c.id);
const breakingIds = (a: OpenAPIDoc, b: OpenAPIDoc) => ids(diffSpecs(a, b).filter((c) => c.breaking));
const schemas = (doc: any) => doc.components.schemas;
const NESTED = '/techniques/{techniqueId}/runs';
const GET_RUN = '/techniques/{techniqueId}/runs/{runId}';

describe('diffSpecs', () => {
  it('finds nothing between a spec and itself, or when only prose and examples change', () => {
    expect(diffSpecs(base, structuredClone(base))).toEqual([]);
    const prose = edit((d) => {
      d.info.description += '\nMore words.';
      schemas(d).TechniqueRun.description = 'Another description.';
      d.paths[NESTED].post.requestBody.content['application/json'].examples.textPrompt.value.inputs[0].value = 'a blue fox';
    });
    expect(diffSpecs(base, prose)).toEqual([]);
  });

  it('a removed operation or path breaks; an added one does not', () => {
    const removed = edit((d) => delete d.paths['/runs/technique']);
    expect(breakingIds(base, removed)).toEqual(['operation-removed POST /runs/technique']);
    const added = edit((d) => (d.paths['/runs/technique'].get = structuredClone(d.paths[GET_RUN].get)));
    expect(diffSpecs(base, added).map((c) => [c.id, c.breaking])).toEqual([['operation-added GET /runs/technique', false]]);
  });

  it('renaming a path parameter is the same route, not a removal', () => {
    const renamed = edit((d) => {
      d.paths['/techniques/{id}/runs'] = d.paths[NESTED];
      delete d.paths[NESTED];
    });
    expect(breakingIds(base, renamed)).toEqual([]);
  });

  it('a removed response status breaks', () => {
    const doc = edit((d) => delete d.paths[GET_RUN].get.responses['404']);
    expect(breakingIds(base, doc)).toEqual([`response-removed GET ${GET_RUN} 404`]);
  });

  it('a removed enum value breaks requests but not responses', () => {
    const request = edit((d) => (schemas(d).InputType.enum = ['text', 'imageUrl']));
    const changes = diffSpecs(base, request);
    expect(ids(changes)).toEqual(['request-enum-value-removed InputType videoUrl']);
    expect(changes[0]).toMatchObject({ breaking: true, usedBy: [`POST ${NESTED}`] });

    const response = edit((d) => (schemas(d).RunStatus.enum = ['pending', 'running', 'completed']));
    const r = diffSpecs(base, response);
    expect(r.map((c) => [c.id, c.breaking])).toEqual([['response-enum-value-removed RunStatus failed', false]]);
    // Seen through every operation that returns a TechniqueRun, reported once.
    expect(r[0]!.usedBy).toEqual([`POST ${NESTED}`, `GET ${GET_RUN}`]);
  });

  it('an added enum value breaks responses (the client validates them) but not requests', () => {
    const response = edit((d) => schemas(d).RunStatus.enum.push('cancelled'));
    expect(breakingIds(base, response)).toEqual(['response-enum-value-added RunStatus cancelled']);
    const request = edit((d) => schemas(d).RunMode.enum.push('sync'));
    expect(diffSpecs(base, request).map((c) => [c.id, c.breaking])).toEqual([['request-enum-value-added RunMode sync', false]]);
  });

  it('a new required request property breaks; a new optional one does not', () => {
    const required = edit((d) => {
      schemas(d).TechniqueRunCreateRequest.properties.priority = { type: 'integer' };
      schemas(d).TechniqueRunCreateRequest.required.push('priority');
    });
    expect(breakingIds(base, required)).toEqual(['request-property-required TechniqueRunCreateRequest.priority']);
    const optional = edit((d) => (schemas(d).TechniqueRunCreateRequest.properties.priority = { type: 'integer' }));
    expect(diffSpecs(base, optional).map((c) => [c.id, c.breaking])).toEqual([['request-property-added TechniqueRunCreateRequest.priority', false]]);
  });

  it('an optional request property that becomes required breaks, and so does removing one from a closed body', () => {
    const doc = edit((d) => schemas(d).TechniqueRunCreateRequest.required.push('callback_url'));
    expect(breakingIds(base, doc)).toEqual(['request-property-required TechniqueRunCreateRequest.callback_url']);
    const removed = edit((d) => delete schemas(d).TechniqueRunCreateRequest.properties.idempotency_key);
    expect(breakingIds(base, removed)).toEqual(['request-property-removed TechniqueRunCreateRequest.idempotency_key']);
  });

  it('a removed response property breaks, and so does one that is no longer required', () => {
    const removed = edit((d) => delete schemas(d).TechniqueRun.properties.poll_url);
    expect(breakingIds(base, removed)).toEqual(['response-property-removed TechniqueRun.poll_url']);
    const optional = edit((d) => (schemas(d).TechniqueRun.required = ['created_at', 'run_id', 'status']));
    expect(breakingIds(base, optional)).toEqual(['response-property-optional TechniqueRun.progress']);
    const added = edit((d) => (schemas(d).TechniqueRun.properties.queue_position = { type: 'integer' }));
    expect(breakingIds(base, added)).toEqual([]);
  });

  it('a changed property type breaks; a request type may widen, a response type may narrow', () => {
    const changed = edit((d) => (schemas(d).TechniqueRun.properties.progress = { type: 'string' }));
    expect(breakingIds(base, changed)).toEqual(['response-type-changed TechniqueRun.progress number -> string']);
    const narrowed = edit((d) => (schemas(d).TechniqueRun.properties.progress = { type: 'integer' }));
    expect(breakingIds(base, narrowed)).toEqual([]);
    const widened = edit((d) => (schemas(d).TechniqueInput.properties.value = { type: ['string', 'number'] }));
    expect(breakingIds(base, widened)).toEqual([]);
    const requestChanged = edit((d) => (schemas(d).TechniqueInput.properties.value = { type: 'number' }));
    expect(breakingIds(base, requestChanged)).toEqual(['request-type-changed TechniqueInput.value string -> number']);
    const nested = edit((d) => (schemas(d).ErrorEnvelope.properties.error.properties.message = { type: 'object' }));
    expect(breakingIds(base, nested)).toEqual(['response-type-changed ErrorEnvelope.error.message string -> object']);
  });

  it('tighter request constraints and looser response constraints break', () => {
    const tighter = edit((d) => (schemas(d).TechniqueRunCreateRequest.properties.idempotency_key.maxLength = 64));
    expect(breakingIds(base, tighter)).toEqual(['request-constraint-tightened TechniqueRunCreateRequest.idempotency_key maxLength']);
    const looser = edit((d) => (schemas(d).TechniqueRunCreateRequest.properties.idempotency_key.maxLength = 1024));
    expect(breakingIds(base, looser)).toEqual([]);
    const pattern = edit((d) => (schemas(d).StartTechniqueRunRequest.properties.workspace_id.pattern = '^wsp_'));
    expect(breakingIds(base, pattern)).toEqual(['request-pattern-changed StartTechniqueRunRequest.workspace_id']);
    const responseLooser = edit((d) => delete schemas(d).RunStartedResponse.properties.charged_cost.minimum);
    expect(breakingIds(base, responseLooser)).toEqual(['response-constraint-loosened RunStartedResponse.charged_cost minimum']);
  });

  it('a new required parameter, or one that becomes required, breaks', () => {
    const doc = edit((d) => (d.components.parameters.IdempotencyKey.required = true));
    expect(breakingIds(base, doc)).toEqual([
      `parameter-required POST ${NESTED} header Idempotency-Key`,
      'parameter-required POST /runs/technique header Idempotency-Key',
    ]);
    const added = edit((d) => d.paths[GET_RUN].get.parameters.push({ name: 'expand', in: 'query', required: true, schema: { type: 'string' } }));
    expect(breakingIds(base, added)).toEqual([`parameter-required GET ${GET_RUN} query expand`]);
  });

  it('a removed response media type breaks', () => {
    const doc = edit((d) => {
      const content = d.components.responses.NotFound.content;
      content['application/problem+json'] = content['application/json'];
      delete content['application/json'];
    });
    expect(breakingIds(base, doc)).toContain(`response-media-type-removed GET ${GET_RUN} 404 response application/json`);
  });

  it('webhooks flow the other way: what the API sends is what the client receives', () => {
    const removed = edit((d) => delete schemas(d).RunWebhookEvent.properties.api_version);
    expect(breakingIds(base, removed)).toEqual(['response-property-removed RunWebhookEvent.api_version']);
    const newEvent = edit((d) => schemas(d).WebhookEventType.enum.push('run.cancelled'));
    expect(breakingIds(base, newEvent)).toEqual(['response-enum-value-added WebhookEventType run.cancelled']);
    const gone = edit((d) => delete d.webhooks.runEnded);
    expect(breakingIds(base, gone)).toEqual(['webhook-removed WEBHOOK runEnded POST']);
  });

  it('follows $ref cycles without looping', () => {
    const cyclic = (extra: object) =>
      edit((d) => {
        schemas(d).RunOutput.properties.children = { type: 'array', items: { $ref: '#/components/schemas/RunOutput' } };
        Object.assign(schemas(d).RunOutput.properties, extra);
      });
    const a = cyclic({});
    const b = cyclic({ url: { type: 'integer' } });
    expect(breakingIds(a, b)).toEqual(['response-type-changed RunOutput.url string -> integer']);
  });

  it('reads allOf as one merged schema', () => {
    const split = edit((d) => {
      const run = schemas(d).TechniqueRun;
      const { started_at, poll_url, ...rest } = run.properties;
      schemas(d).TechniqueRun = { allOf: [{ ...run, properties: rest }, { type: 'object', properties: { started_at, poll_url } }] };
    });
    expect(diffSpecs(base, split)).toEqual([]);
    const dropped = edit((d) => {
      const run = schemas(d).TechniqueRun;
      const { started_at: _s, poll_url: _p, ...rest } = run.properties;
      schemas(d).TechniqueRun = { allOf: [{ ...run, properties: rest }, { type: 'object', properties: { started_at: _s } }] };
    });
    expect(breakingIds(base, dropped)).toEqual(['response-property-removed TechniqueRun.poll_url']);
  });
});

describe('announcements', () => {
  const removePoll = (d: any) => delete schemas(d).TechniqueRun.properties.poll_url;

  it('an x-breaking-changes entry naming the change announces it', () => {
    const doc = edit((d) => {
      removePoll(d);
      d['x-breaking-changes'] = ['response-property-removed TechniqueRun.poll_url'];
    });
    const v = judge(base, doc);
    expect(ids(v.breaking)).toEqual(['response-property-removed TechniqueRun.poll_url']);
    expect(v.unannounced).toEqual([]);
    expect(v.unused).toEqual([]);
  });

  it('so does an object entry under info, and a BREAKING: line of info.description', () => {
    const obj = edit((d) => {
      removePoll(d);
      d.info['x-breaking-changes'] = [{ change: 'response-property-removed TechniqueRun.poll_url', reason: 'use outputs' }];
    });
    expect(judge(base, obj).unannounced).toEqual([]);
    const line = edit((d) => {
      removePoll(d);
      d.info.description += '\nBREAKING: response-property-removed TechniqueRun.poll_url (poll the run itself).\n';
    });
    expect(announcementsOf(line)).toEqual(['response-property-removed TechniqueRun.poll_url (poll the run itself).']);
    expect(judge(base, line).unannounced).toEqual([]);
  });

  it('a wildcard announces every change it matches', () => {
    const doc = edit((d) => {
      delete d.paths['/runs/technique'];
      delete d.paths[GET_RUN];
      d['x-breaking-changes'] = ['operation-removed *'];
    });
    const v = judge(base, doc);
    expect(v.breaking).toHaveLength(2);
    expect(v.unannounced).toEqual([]);
  });

  it('an unannounced breaking change fails, and the announcement must name it exactly', () => {
    const doc = edit((d) => {
      removePoll(d);
      d['x-breaking-changes'] = ['response-property-removed TechniqueRun.poll', 'TechniqueRun.poll_url'];
    });
    const v = judge(base, doc);
    expect(ids(v.unannounced)).toEqual(['response-property-removed TechniqueRun.poll_url']);
    expect(v.unused).toEqual(['response-property-removed TechniqueRun.poll', 'TechniqueRun.poll_url']);
    expect(v.versionNotBumped).toBe(true);
  });

  it('names() matches the id as a whole word, or a * pattern against the whole id', () => {
    const change = diffSpecs(base, edit(removePoll))[0]!;
    expect(names('response-property-removed TechniqueRun.poll_url', change)).toBe(true);
    expect(names('response-property-removed TechniqueRun.poll_url: gone', change)).toBe(true);
    expect(names('response-property-removed TechniqueRun.poll_url_v2', change)).toBe(false);
    expect(names('response-property-removed TechniqueRun.*', change)).toBe(true);
    expect(names('request-*', change)).toBe(false);
  });

  it('a version bump of the major number is noticed', () => {
    const doc = edit((d) => {
      removePoll(d);
      d.info.version = '2.0.0';
    });
    expect(judge(base, doc).versionNotBumped).toBe(false);
  });
});

describe('npm run spec:diff in a git repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flora-spec-diff-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const specDiff = (...args: string[]) =>
    // Without the caller's SPEC_DIFF_BASE (CI sets one for the real repository): this scratch repo has its own history.
    spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'scripts', 'spec-diff.ts'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, SPEC_DIFF_BASE: undefined },
    });
  const write = (doc: OpenAPIDoc) => writeFileSync(join(dir, 'spec', 'openapi.yaml'), stringify(doc));

  it('passes when identical, fails on an unannounced breaking change, passes once it is announced, and uses the merge-base on a branch', () => {
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    mkdirSync(join(dir, 'spec'));
    writeFileSync(join(dir, 'spec', 'openapi.yaml'), specText);
    git('add', '.');
    git('commit', '-q', '-m', 'spec');

    let r = specDiff();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('identical to main');

    write(edit((d) => delete schemas(d).TechniqueRun.properties.poll_url));
    r = specDiff();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✖ response-property-removed TechniqueRun.poll_url');
    expect(r.stdout).toContain('x-breaking-changes:');
    expect(r.stderr).toContain('1 unannounced breaking change');

    write(
      edit((d) => {
        delete schemas(d).TechniqueRun.properties.poll_url;
        d['x-breaking-changes'] = ['response-property-removed TechniqueRun.poll_url'];
      }),
    );
    r = specDiff();
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('✔ announced: response-property-removed TechniqueRun.poll_url');

    // On a branch, the comparison is with the merge-base, not with main's newer commits.
    git('checkout', '-q', '-b', 'feature');
    git('commit', '-q', '-am', 'announced removal');
    git('checkout', '-q', 'main');
    write(edit((d) => schemas(d).RunMode.enum.push('sync')));
    git('commit', '-q', '-am', 'main moves on');
    git('checkout', '-q', 'feature');
    r = specDiff();
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('merge-base with main');
    expect(r.stdout).not.toContain('RunMode');

    // --base compares with any commit.
    r = specDiff('--base', 'main');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('request-enum-value-removed RunMode sync');
  }, 60_000);
});
