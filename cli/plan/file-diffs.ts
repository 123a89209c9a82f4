// Attaches to each planned step the diff of the file it writes: one read-only snapshot exec for
// every file the plan touches on a host, then a pure diff against what the step will write.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { snapshotFiles, type FileSnapshot } from './file-snapshot.ts';
import { unifiedDiff } from './unified-diff.ts';
import type { PlannedStep } from './report.ts';

export interface FileToDiff {
  step: string;
  path: string;
  after(before: string | undefined): string;
}

/** Pure: the diff (or the reason there is none) for one file. */
export function diffOf(file: FileToDiff, snapshot: FileSnapshot): Pick<PlannedStep, 'diff' | 'note'> {
  if (snapshot.kind === 'not-a-file') return { note: `${file.path} is ${snapshot.what}; the step will refuse or replace it` };
  if (snapshot.kind === 'file' && snapshot.truncated) return { note: `${file.path} is too large to diff` };
  const before = snapshot.kind === 'file' ? snapshot.text : undefined;
  const diff = unifiedDiff({ path: file.path, before, after: file.after(before) });
  return diff ? { diff } : { note: `${file.path} already has this content (owner or mode differ)` };
}

export async function attachDiffs(
  executor: Executor,
  target: SshTarget,
  steps: PlannedStep[],
  files: readonly FileToDiff[],
  nonce: string,
): Promise<void> {
  if (files.length === 0) return;
  const snapshots = await snapshotFiles(
    executor,
    target,
    files.map((f) => f.path),
    nonce,
  );
  files.forEach((file, i) => {
    const step = steps.find((s) => s.name === file.step);
    if (!step) return;
    const found = diffOf(file, snapshots[i]!);
    if (found.diff) step.diff = (step.diff ?? '') + found.diff;
    if (found.note) step.note = found.note;
  });
}
