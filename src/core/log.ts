/** Logging with levels. Every line is redacted (`redact.ts`), so a secret cannot reach a log. */
import type { Redactor } from './redact.js';

/** Where log lines go. `console` fits; so do pino and winston loggers. */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'warn'): LogLevel {
  const v = value?.trim().toLowerCase();
  return v && v in RANK ? (v as LogLevel) : fallback;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** A logger that knows which levels it keeps, so callers can skip building lines nobody reads. */
export interface LevelLogger extends Logger {
  enabled(level: Exclude<LogLevel, 'off'>): boolean;
}

/** A logger that drops lines below `level` and redacts the rest. */
export function createLogger(target: Logger, level: LogLevel, redactor: Redactor): LevelLogger {
  const enabled = (l: Exclude<LogLevel, 'off'>) => RANK[l] >= RANK[level];
  const at = (l: Exclude<LogLevel, 'off'>) =>
    enabled(l) ? (message: string, ...args: unknown[]) => target[l](redactor.text([message, ...args.map(stringify)].join(' '))) : () => {};
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), enabled };
}
