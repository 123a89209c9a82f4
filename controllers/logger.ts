// Structured JSON logs, one object per line, so log shippers and `jq` read them without parsing
// prose. Satisfies the reconcilers' Logger contract.
import type { Logger } from '../reconcilers/contract.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: string): value is LogLevel {
  return value in rank;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Fields added to every line (controller name, object key, …). */
  fields?: Record<string, unknown>;
  write?: (line: string) => void;
}

export interface JsonLogger extends Logger {
  child(fields: Record<string, unknown>): JsonLogger;
}

export function createLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const level = options.level ?? 'info';
  const base = options.fields ?? {};
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (rank[lvl] < rank[level]) return;
    const record = { ts: new Date().toISOString(), level: lvl, msg, ...base, ...fields };
    write(`${JSON.stringify(record, errorReplacer)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ level, write, fields: { ...base, ...fields } }),
  };
}

// Error objects serialise to {} by default; keep what an operator needs to act on.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
