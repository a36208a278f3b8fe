import { describe, expect, it } from 'vitest';
import { shellQuote, visible } from './safe.js';

describe('server text on a terminal', () => {
  it('shows ANSI, OSC and other control characters as escapes, keeping tabs and newlines', () => {
    expect(visible('run_1\u001b[31mred\u001b]0;pwned\u0007\r\tend\n')).toBe('run_1\\u001b[31mred\\u001b]0;pwned\\u0007\\u000d\tend\n');
    expect(visible('a\u009bb\u2028c')).toBe('a\\u009bb\\u2028c');
    expect(visible('plain text: ok')).toBe('plain text: ok');
  });

  it('quotes for the shell what is not plainly one safe word', () => {
    expect(shellQuote('run_abc123')).toBe('run_abc123');
    expect(shellQuote('run_1; touch /tmp/x')).toBe("'run_1; touch /tmp/x'");
    expect(shellQuote("it's $(rm -rf ~)")).toBe(`'it'\\''s $(rm -rf ~)'`);
    expect(shellQuote('a\u001b[2Jb')).toBe("'a\\u001b[2Jb'");
  });
});
