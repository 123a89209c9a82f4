// The fault suite's operator runs in its own process (so it can be SIGKILLed); this file is how
// that process records every SSH command it passes on, and how the test reads them back. One JSON
// line per call, appended synchronously so a SIGKILL loses at most the call in flight. The apply
// script and its output are kept so a test can tell which steps ran and which completed.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ExecOptions, ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';

export interface LoggedCall {
  /** Which operator process made the call. */
  operator: string;
  /** The operator's process: a restarted operator keeps its name and counts ids from 0 again. */
  pid?: number;
  host: string;
  phase: 'start' | 'end';
  id: number;
  at: number;
  /** On start: the command and its stdin (the step script, for applies). */
  command?: string;
  stdin?: string;
  /** On end. */
  code?: number | null;
  stdout?: string;
  error?: string;
}

export function recordingExecutor(inner: Executor, file: string, operator: string): Executor {
  let next = 0;
  const write = (entry: LoggedCall): void => appendFileSync(file, `${JSON.stringify(entry)}\n`);
  return {
    exec: async (target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult> => {
      const id = next++;
      const stdin = options?.stdin === undefined ? undefined : options.stdin.toString();
      write({
        operator,
        pid: process.pid,
        host: target.host,
        phase: 'start',
        id,
        at: Date.now(),
        command,
        ...(stdin !== undefined ? { stdin } : {}),
      });
      try {
        const result = await inner.exec(target, command, options);
        write({
          operator,
          pid: process.pid,
          host: target.host,
          phase: 'end',
          id,
          at: Date.now(),
          code: result.code,
          stdout: result.stdout.toString(),
        });
        return result;
      } catch (err) {
        write({ operator, pid: process.pid, host: target.host, phase: 'end', id, at: Date.now(), code: null, error: (err as Error).name });
        throw err;
      }
    },
    close: () => inner.close(),
  };
}

/** One SSH call as the test sees it: its start, and its end when it ended. */
export interface Call {
  operator: string;
  /** The operator process that made it. */
  pid?: number;
  host: string;
  at: number;
  command: string;
  stdin: string;
  end?: { at: number; code: number | null; stdout: string; error?: string };
}

export function readCalls(file: string): Call[] {
  if (!existsSync(file)) return [];
  const calls = new Map<string, Call>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let e: LoggedCall;
    try {
      e = JSON.parse(line) as LoggedCall;
    } catch {
      continue; // the line a SIGKILL cut short
    }
    const key = `${e.operator}/${e.pid ?? ''}/${e.id}`;
    if (e.phase === 'start')
      calls.set(key, {
        operator: e.operator,
        ...(e.pid !== undefined ? { pid: e.pid } : {}),
        host: e.host,
        at: e.at,
        command: e.command ?? '',
        stdin: e.stdin ?? '',
      });
    else {
      const c = calls.get(key);
      if (c) c.end = { at: e.at, code: e.code ?? null, stdout: e.stdout ?? '', ...(e.error ? { error: e.error } : {}) };
    }
  }
  return [...calls.values()].sort((a, b) => a.at - b.at);
}
