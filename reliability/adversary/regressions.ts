/**
 * Fixed cases of the generated adversary, run on every `npm test`: each of issue 23's findings written as a
 * case, and every case the adversary found failing, as it was shrunk (the hostile suite's own cases stay
 * in `hostile.test.ts`). Each must keep the four promises.
 */
import type { Case } from './plan.js';

export const REGRESSIONS: { name: string; c: Case }[] = [
  {
    // Issue 23: the 200 was retried, and the retry's 409 thrown as IdempotencyDuplicateError
    // (acceptedEarlier: false).
    name: "the issue's list: a 2xx to a POST saying x-should-retry: true, then a 409 idempotency_duplicate",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'runs.startTechnique', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 200,
          headers: [{ name: 'x-should-retry', value: 'true' }],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
        {
          status: 409,
          headers: [],
          body: { kind: 'envelope', code: 'idempotency_duplicate', fields: 0, echoes: [], deep: 0 },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: header names were never redacted.
    name: "the issue's list: the key in a header name, read with withResponse()",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: true, validate: 'tolerant' },
      answers: [
        {
          status: 200,
          headers: [
            { name: 'echo-name', value: '', echo: { secret: 'key', form: 'plain' } },
            { name: 'echo-name', value: '', echo: { secret: 'key', form: 'b64url' } },
            { name: 'echo-name', value: '', echo: { secret: 'key', form: 'url' } },
          ],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: response.url kept the followed Location, key and all.
    name: "the issue's list: a same-origin redirect whose Location holds the key, then response.url of withResponse()",
    c: {
      key: 'sk_Adv3rsary/Key,x;0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: true, validate: 'tolerant' },
      answers: [
        {
          status: 302,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'sameEcho',
        },
        { status: 200, headers: [], body: { kind: 'valid', mutations: [], echoes: [] }, transfer: { kind: 'whole' }, encoding: 'identity' },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: the later error's message and stack quoted the followed URL.
    name: "the issue's list: a same-origin redirect whose Location holds the key, then a body over the limit (its message quotes the URL)",
    c: {
      key: 'sk_Adv3rsary/Key,x;0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 302,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'sameEcho',
        },
        { status: 200, headers: [], body: { kind: 'huge', bytes: 8388609 }, transfer: { kind: 'whole' }, encoding: 'identity' },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: the CLI's error: line quoted the URL the redirect led to.
    name: "the issue's list: the same through the CLI, whose error: line must not quote it",
    c: {
      key: 'sk_Adv3rsary/Key,x;0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'cli', command: 'retrieve', output: 'json', keyVia: 'flag', verbose: true },
      answers: [
        {
          status: 302,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'sameEcho',
        },
        { status: 200, headers: [], body: { kind: 'huge', bytes: 8388609 }, transfer: { kind: 'whole' }, encoding: 'identity' },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: followed, then three retried connection errors quoting the userinfo.
    name: "the issue's list: a redirect to the same origin with the key as userinfo",
    c: {
      key: 'sk_Adv3rsary/Key,x;0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 307,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'userinfo',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: redaction knew the key as it is and JSON-escaped only.
    name: "the issue's list: the key URL- and base64-encoded in an error message, a request id and the status text",
    c: {
      key: 'sk_Adv3rsary/Key,x;0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 401,
          headers: [{ name: 'x-request-id', value: 'req_', echo: { secret: 'key', form: 'urlAll' } }],
          body: {
            kind: 'envelope',
            code: 'unauthorized',
            fields: 3,
            echoes: [
              ['envelope_message', { secret: 'key', form: 'url' }],
              ['envelope_message', { secret: 'key', form: 'b64basic' }],
              ['envelope_fields', { secret: 'key', form: 'b64bearer' }],
            ],
            deep: 0,
          },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          statusTextEcho: { secret: 'key', form: 'b64' },
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: ~150 MiB and seconds of checking; 150,000 warnings; the whole body kept on the error.
    name: "the issue's list: 90,000 outputs of an unknown type, strictly read (one problem, bounded error)",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: false, validate: 'strict' },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [{ kind: 'unknownEnum', value: 'hologram' }, { kind: 'wide', items: 90000 }], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 1000,
      maxRetries: 0,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: one warning line per output.
    name: "the issue's list: 90,000 outputs of an unknown type, printed by the CLI with -o pretty",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'cli', command: 'retrieve', output: 'pretty', keyVia: 'flag', verbose: true },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [{ kind: 'unknownEnum', value: 'hologram' }, { kind: 'wide', items: 90000 }], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 1000,
      maxRetries: 0,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: the error kept the body whole, and JSON.stringify(err) threw RangeError.
    name: "the issue's list: an error body nested 100,000 deep (JSON.stringify of the error)",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'library', method: 'techniques.runs.retrieve', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 400,
          headers: [],
          body: { kind: 'envelope', code: 'input_validation_error', fields: 0, echoes: [], deep: 100000 },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: -o json and -o yaml printed C1 controls raw.
    name: "the issue's list: C1 controls and bidi overrides printed with -o yaml",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'cli', command: 'retrieve', output: 'yaml', keyVia: 'flag', verbose: true },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [{ kind: 'oddString', value: '\u009b2J\u202egnp.exe\u0085' }], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: -o pretty exited 1 with Invalid time value, and the run was not shown.
    name: "the issue's list: a time outside the Date range, -o pretty",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'cli', command: 'retrieve', output: 'pretty', keyVia: 'flag', verbose: true },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [{ kind: 'oddNumber', value: 8640000000000001 }], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
        },
      ],
      lists: 'end',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Issue 23: --all grew without limit.
    name: "the issue's list: a list that repeats a cursor, techniques list --all",
    c: {
      key: 'flora_live_5ecr3tAdversary0123456789',
      webhookSecret: 'whsec_Zm9yZ2VkU2VjcmV0VmFsdWUwMTIzNDU2',
      action: { kind: 'cli', command: 'techniques list --all', output: 'json', keyVia: 'flag', verbose: true },
      answers: [],
      lists: 'repeat',
      timeoutMs: 600,
      maxRetries: 2,
      budgetMs: 3000,
    },
  },
  {
    // Found, seed 23: read without checks, a 200 whose body was an error envelope made waitAll throw a
    // TypeError (body.technique_runs is not iterable).
    name: 'waitAll, validate: false, a 200 envelope instead of a run list',
    c: {
      key: 'sk_aaa0Aa0A/a0a-0a-_',
      webhookSecret: 'whsec_aA+0AAAA+Aa/+A0+/A/aa0aA',
      action: { kind: 'library', method: 'runs.waitAll', withResponse: false, validate: 'off' },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'envelope', code: 'input_validation_error', fields: 0, echoes: [], deep: 0 },
          transfer: { kind: 'trickle', chunk: 1, gapMs: 1 },
          encoding: 'identity',
          location: 'same',
        },
      ],
      lists: 'end',
      timeoutMs: 300,
      maxRetries: 0,
      budgetMs: 1500,
    },
  },
  {
    // Found, seed 23: the raw client parses a 2xx itself; a body cut short by a lying content-length threw
    // openapi-fetch's SyntaxError.
    name: 'raw.GET, a 200 whose content-length is shorter than its body',
    c: {
      key: 'flora_live_00a0000a000a0aa00a000000',
      webhookSecret: 'whsec_+Aa0a///A00/a/A+a/0//A0A',
      action: { kind: 'library', method: 'raw.GET', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'shorter' },
          encoding: 'unknown',
          location: 'same',
        },
        {
          status: 201,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'gzip',
          location: 'same',
        },
      ],
      lists: 'end',
      timeoutMs: 300,
      maxRetries: 0,
      budgetMs: 1500,
    },
  },
  {
    // Found, seed 24: a key holding '%A0', echoed URL-encoded; redaction decoded twice, past the key (to
    // U+00A0), and never saw it.
    name: 'a key holding a percent escape, echoed URL-encoded in a 200 envelope',
    c: {
      key: 'sk_00A0a00A%A0__a-_00a',
      webhookSecret: 'whsec_Aaa+/a/0+a//Aa/+0a/0AA+a',
      action: { kind: 'library', method: 'techniques.runs.create', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 200,
          headers: [],
          body: {
            kind: 'envelope',
            code: 'input_validation_error',
            fields: 0,
            echoes: [['envelope_message', { secret: 'key', form: 'urlLower' }]],
            deep: 0,
          },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'same',
        },
      ],
      lists: 'end',
      timeoutMs: 300,
      maxRetries: 0,
      budgetMs: 1500,
    },
  },
  {
    // Found, seed 4242: the raw client's error was the body parsed whole, which JSON.stringify could not
    // write.
    name: 'raw.GET, a 500 whose envelope is nested 100,000 deep',
    c: {
      key: 'sk_aaaaaaaa/0a___0a0',
      webhookSecret: 'whsec_+a/+A0A0aA0+/0+/Aa00A0a+',
      action: { kind: 'library', method: 'raw.GET', withResponse: false, validate: 'tolerant' },
      answers: [
        {
          status: 500,
          headers: [],
          body: { kind: 'envelope', code: 'input_validation_error', fields: 0, echoes: [], deep: 100000 },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'same',
        },
        {
          status: 200,
          headers: [],
          body: { kind: 'valid', mutations: [], echoes: [] },
          transfer: { kind: 'whole' },
          encoding: 'identity',
          location: 'same',
        },
      ],
      lists: 'end',
      timeoutMs: 300,
      maxRetries: 0,
      budgetMs: 1500,
    },
  },
  {
    // Found, seed 4242: the raw client parsed a 2xx nested 100,000 deep and handed it back; JSON.stringify
    // could not write it.
    name: 'raw.GET, a 200 nested 100,000 deep',
    c: {
      key: 'flora_live_0a00a0a0a000a00aaaaa0aa0',
      webhookSecret: 'whsec_Aa+/0aA/+a++a0aa+/Aaa0/a',
      action: { kind: 'library', method: 'raw.GET', withResponse: false, validate: 'tolerant' },
      answers: [{ status: 200, headers: [], body: { kind: 'deep', depth: 100000 }, transfer: { kind: 'whole' }, encoding: 'identity', location: 'same' }],
      lists: 'end',
      timeoutMs: 300,
      maxRetries: 0,
      budgetMs: 1500,
    },
  },
  {
    // Found, seed 4244: with a few read at once, a read of a gzip body Node 20's fetch was still inflating
    // stayed pending after the attempt's abort; the call never ended (src/core/transport.test.ts holds it at
    // four at once).
    name: 'a POST answered by a gzip bomb, four at once',
    c: {
      key: 'flora_live_a5fbba39c80ea7a583b92edc',
      webhookSecret: 'whsec_77Gc++V/Duy9+CC+/+/+/M++',
      action: { kind: 'library', method: 'runs.startTechnique', withResponse: true, validate: 'strict' },
      answers: [{ status: 200, headers: [], body: { kind: 'huge', bytes: 8388609 }, transfer: { kind: 'chunked' }, encoding: 'deflate', location: 'sameEcho' }],
      lists: 'repeat',
      timeoutMs: 600,
      maxRetries: 0,
      budgetMs: 3000,
    },
  },
];
