/** Checking a run's inputs against its technique's definition before anything is started and charged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Technique } from '../../generated/answers.js';
import { Flora } from '../client.js';
import { InputValidationError } from '../core/errors.js';
import { DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, startSimulator, type Simulator } from '../testing/index.js';
import { inputProblems } from './inputs.js';

const CRITIQUE: Pick<Technique, 'technique_id' | 'name' | 'inputs'> = {
  technique_id: 'tech_abcd1234',
  name: 'Critique',
  inputs: [
    { id: 'prompt', name: 'Prompt', type: 'text' },
    { id: 'reference', name: 'Reference image', type: 'imageUrl', optional: true },
    { id: 'narration', name: 'Narration', type: 'audioUrl', optional: true },
    { id: 'shots', name: 'Shots', type: 'imageUrl', optional: true, allow_multiple: true },
  ],
};

describe('inputProblems', () => {
  it('accepts inputs that fit, in either form', () => {
    expect(inputProblems(CRITIQUE, [{ id: 'prompt', type: 'text', value: 'a fox' }, { id: 'reference', type: 'imageUrl', value: 'https://x.test/a.png' }])).toEqual([]);
    expect(inputProblems(CRITIQUE, { prompt: 'a fox', shots: ['https://x.test/1.png', 'https://x.test/2.png'] })).toEqual([]);
  });

  it('names an unknown input and lists what the technique takes', () => {
    const [p] = inputProblems(CRITIQUE, [{ id: 'prompt', type: 'text', value: 'a' }, { id: 'promt', type: 'text', value: 'a' }]);
    expect(p).toEqual({ field: 'inputs[1].id', message: expect.stringContaining('"promt" is not an input of Critique (tech_abcd1234); it takes: prompt, reference, narration, shots') });
    expect(inputProblems(CRITIQUE, { prompt: 'a', colour: 'red' })[0]!.field).toBe('inputs.colour');
  });

  it('names a wrong type, a value that is not a URL, a repeated single input and a missing required one', () => {
    expect(inputProblems(CRITIQUE, [{ id: 'prompt', type: 'imageUrl', value: 'https://x.test' }])).toEqual([{ field: 'inputs[0].type', message: expect.stringMatching(/must be text/) }]);
    expect(inputProblems(CRITIQUE, [{ id: 'prompt', type: 'text', value: 'a' }, { id: 'reference', type: 'imageUrl', value: 'not a url' }])).toEqual([
      { field: 'inputs[1].value', message: expect.stringMatching(/http\(s\) URL/) },
    ]);
    expect(inputProblems(CRITIQUE, { prompt: 'a', shots: ['https://x.test/1.png', 7] })).toEqual([{ field: 'inputs.shots[1]', message: expect.stringMatching(/must be a string/) }]);
    expect(inputProblems(CRITIQUE, [{ id: 'prompt', type: 'text', value: 'a' }, { id: 'prompt', type: 'text', value: 'b' }])[0]!.message).toMatch(/more than once/);
    expect(inputProblems(CRITIQUE, [{ id: 'reference', type: 'imageUrl', value: 'https://x.test/a.png' }])).toEqual([{ field: 'inputs', message: 'Critique requires "prompt" (text), which is missing' }]);
  });

  it('says plainly when the definition has an input type the run request cannot carry', () => {
    const [p] = inputProblems(CRITIQUE, [{ id: 'prompt', type: 'text', value: 'a' }, { id: 'narration', type: 'text', value: 'https://x.test/a.mp3' }]);
    expect(p!.field).toBe('inputs[1].type');
    expect(p!.message).toContain('"narration" is audioUrl, a type its definition allows but the run request does not (it takes text, imageUrl, videoUrl)');
    // The map form has no types: an audio URL can go there.
    expect(inputProblems(CRITIQUE, { prompt: 'a', narration: 'https://x.test/a.mp3' })).toEqual([]);
    const required = inputProblems({ ...CRITIQUE, inputs: [{ id: 'book', name: 'Book', type: 'documentUrl' }] }, []);
    expect(required[0]!.message).toMatch(/requires "book" \(documentUrl\), which the run request cannot carry .* use the top-level route/);
  });
});

describe('checkInputs against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5 });
  });
  afterAll(() => sim.close());

  function client(checkInputs?: boolean) {
    const gets: string[] = [];
    const fetch = (request: Request) => {
      if (request.method === 'GET') gets.push(new URL(request.url).pathname);
      return globalThis.fetch(request);
    };
    return { flora: new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, fetch, logLevel: 'off', checkInputs }), gets };
  }

  it('refuses inputs that do not fit before any run is started, naming the input', async () => {
    const { flora } = client();
    const before = sim.listRuns().length;
    const error = await flora.techniques.runs
      .create('storyboard-to-video', { inputs: [{ id: 'prompt', type: 'text', value: 'a' }, { id: 'narration', type: 'videoUrl', value: 'https://x.test/v.mp3' }], mode: 'async' }, { checkInputs: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).fields).toEqual([{ field: 'inputs[1].type', message: expect.stringContaining('"narration" is audioUrl') }]);
    expect((error as Error).message).toMatch(/^Inputs do not fit technique storyboard-to-video's definition, nothing sent/);
    const top = await flora.runs.startTechnique({ technique_id: 'tech_doc43210', workspace_id: DEFAULT_WORKSPACE_ID, inputs: { prompt: 'a' } }, { checkInputs: true }).catch((e: unknown) => e);
    expect((top as InputValidationError).fields).toEqual([{ field: 'inputs', message: 'Brand Guidelines requires "brand_book" (documentUrl), which is missing' }]);
    expect(sim.listRuns().length).toBe(before);
  });

  it('starts a run whose inputs fit, reading the definition once for many runs', async () => {
    const { flora, gets } = client(true);
    const body = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a fox' }], mode: 'async' as const };
    const runs = await Promise.all([1, 2, 3].map(() => flora.techniques.runs.create('art-directors-critique', body)));
    await flora.techniques.runs.create('art-directors-critique', body);
    expect(runs.every((r) => r.run_id.startsWith('run_'))).toBe(true);
    expect(gets.filter((p) => p.endsWith('/techniques/art-directors-critique'))).toHaveLength(1);
  });

  it('is off unless asked for, and a call can turn it off', async () => {
    const { flora, gets } = client(true);
    const run = await flora.techniques.runs.create('storyboard-to-video', { inputs: [{ id: 'scene', type: 'text', value: 'a' }], mode: 'async' }, { checkInputs: false });
    expect(run.run_id).toMatch(/^run_/);
    const plain = client();
    await plain.flora.techniques.runs.create('storyboard-to-video', { inputs: [{ id: 'scene', type: 'text', value: 'a' }], mode: 'async' });
    expect([...gets, ...plain.gets]).toEqual([]);
  });

  it('a failed definition read fails the call with its own error and is not kept', async () => {
    const { flora, gets } = client(true);
    const body = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a' }], mode: 'async' as const };
    await expect(flora.techniques.runs.create('no-such-technique', body)).rejects.toMatchObject({ status: 404 });
    await expect(flora.techniques.runs.create('no-such-technique', body)).rejects.toMatchObject({ status: 404 });
    expect(gets).toHaveLength(2);
  });

  it('techniques.checkInputs reports without starting anything', async () => {
    const { flora } = client();
    expect(await flora.techniques.checkInputs('tech_abcd1234', { prompt: 'a', reference: 'https://x.test/a.png' })).toEqual([]);
    expect(await flora.techniques.checkInputs('art-directors-critique', [{ id: 'reference', type: 'imageUrl', value: 'ftp://x' }])).toHaveLength(2);
  });

  it('refuses a checkInputs client option that is not a boolean', () => {
    expect(() => new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, checkInputs: 'yes' as unknown as boolean })).toThrow(/checkInputs must be true or false/i);
  });
});
