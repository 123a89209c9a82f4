// A fake Executor for unit tests of code that runs commands on Pis (in the spirit of Rook's
// MockExecutor): it records every call and answers from a script of (matcher → answer).
// The first matching entry answers; a command nothing matches fails loudly.
import type { ExecOptions, ExecResult, Executor, SshTarget } from './executor.ts';

export type CommandMatcher = string | RegExp | ((command: string, target: SshTarget) => boolean);

export type ScriptedAnswer =
  | Partial<Omit<ExecResult, 'durationMs' | 'hostKey'>>
  | Error
  | ((command: string, target: SshTarget, options: ExecOptions) => Partial<ExecResult> | Error);

export interface RecordedCall {
  target: SshTarget;
  command: string;
  options: ExecOptions;
}

interface Entry {
  matcher: CommandMatcher;
  answer: ScriptedAnswer;
  /** How many more times this entry may answer; undefined means forever. */
  remaining?: number;
}

export class RecordingExecutor implements Executor {
  readonly calls: RecordedCall[] = [];
  private readonly entries: Entry[] = [];
  private closed = false;

  /** The host key reported in every result. */
  constructor(private readonly hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake') {}

  /** Answers commands matching `matcher` (a substring, a RegExp or a predicate). */
  on(matcher: CommandMatcher, answer: ScriptedAnswer, times?: number): this {
    this.entries.push({ matcher, answer, remaining: times });
    return this;
  }

  async exec(target: SshTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error('RecordingExecutor is closed');
    this.calls.push({ target, command, options });
    const entry = this.entries.find((e) => e.remaining !== 0 && matches(e.matcher, command, target));
    if (!entry) throw new Error(`RecordingExecutor: no scripted answer for command: ${command}`);
    if (entry.remaining !== undefined) entry.remaining--;
    const answer = typeof entry.answer === 'function' ? entry.answer(command, target, options) : entry.answer;
    if (answer instanceof Error) throw answer;
    return { code: 0, signal: null, stdout: '', stderr: '', durationMs: 0, hostKey: this.hostKey, ...answer };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The commands run so far, in order (handy for exact assertions). */
  get commands(): string[] {
    return this.calls.map((c) => c.command);
  }
}

function matches(matcher: CommandMatcher, command: string, target: SshTarget): boolean {
  if (typeof matcher === 'string') return command.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(command);
  return matcher(command, target);
}
