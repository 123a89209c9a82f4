// Feeds objects to the control plane through the real kubectl and reads back, per object, what
// kubectl said about it. Objects go in batches (one kubectl apply of a JSON stream), each with a
// name of its own, so kubectl's "<Kind> "<name>" is invalid: <field>: …" line can be matched to
// the object it is about; a batch that kubectl cut short (a decode error) leaves objects with no
// line, which the caller counts as not rejected.
import type { KubectlResult } from '../controlplane/harness.ts';

export type Kubectl = (args: string[], stdin?: string) => Promise<KubectlResult>;

export interface BatchResult {
  stdout: string;
  stderr: string;
  /** kubectl's refusal line for the object named `name`, if there is one. */
  refusal(name: string): string | undefined;
  /** Whether kubectl reported the object as created or changed. */
  written(name: string): boolean;
}

export const nameOf = (obj: Record<string, unknown>): string => String((obj.metadata as { name?: unknown }).name);

/** One `kubectl apply -f -` of all `objects`; each must have a distinct, plain metadata.name. */
export async function applyBatch(kubectl: Kubectl, objects: Record<string, unknown>[]): Promise<BatchResult> {
  // A JSON stream: kubectl decodes consecutive JSON objects (a "---" would end the stream).
  const r = await kubectl(['apply', '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n'));
  const lines = r.stderr.split('\n');
  return {
    stdout: r.stdout,
    stderr: r.stderr,
    refusal: (name) => lines.find((l) => l.includes(`"${name}" is invalid: `)),
    written: (name) => r.stdout.split('\n').some((l) => l.includes(`/${name} `) && /\b(created|configured|unchanged)\b/.test(l)),
  };
}

export interface NameBatchResult {
  /** Objects kubectl reported as written (must be none). */
  written: string[];
  /** Refusals: one per object, either kubectl's own (it GETs by name first and will not put some names in a URL) or the control plane's. */
  applyRefusals: number;
  /** The control plane's verdicts from `kubectl create` of the same objects: one "is invalid" line each. */
  createRefusals: string[];
}

// kubectl apply's own refusal, and the control plane's: every object gets exactly one of them.
const applyRefusal = /error when retrieving current configuration of:|" is invalid: /g;

/**
 * Objects with hostile names, which cannot serve to tell the objects apart: one apply of all of
 * them (the path the issue asks for), then one create of all of them, because apply refuses
 * some names before sending them and create always lets the control plane judge.
 */
export async function applyHostileNames(kubectl: Kubectl, objects: Record<string, unknown>[]): Promise<NameBatchResult> {
  const stream = objects.map((o) => JSON.stringify(o)).join('\n');
  const apply = await kubectl(['apply', '-f', '-'], stream);
  const create = await kubectl(['create', '-f', '-'], stream);
  const written = `${apply.stdout}\n${create.stdout}`.split('\n').filter((l) => /\b(created|configured|unchanged)\b/.test(l));
  return {
    written,
    applyRefusals: apply.stderr.match(applyRefusal)?.length ?? 0,
    createRefusals: create.stderr.split('\n').filter((l) => l.includes('" is invalid: ')),
  };
}

/** Runs `fn` over `items`, at most `limit` at a time (the machine has two cores). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
