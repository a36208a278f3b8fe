/**
 * The response checks of ./response-checks.ts against every local target of ./targets.ts: the Prism mock
 * and, when src/testing exports it, the stateful simulator.
 */
import { describe, expect, it } from 'vitest';
import { operationSetsDiffer } from './harness.js';
import { defineResponseChecks } from './response-checks.js';
import { LOCAL_TARGETS } from './targets.js';

describe('the spec and the client', () => {
  it('have the same operations, with the same labels', () => {
    expect(operationSetsDiffer()).toBeUndefined();
  });
});

for (const target of LOCAL_TARGETS) defineResponseChecks(target);
