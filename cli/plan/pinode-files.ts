// The files a PiNode plan writes and what each will contain, as pure functions of the current
// text, mirroring the step scripts in reconcilers/pinode/steps/ (the e2e test applies the plan
// and compares the Pis' files with these).
import type { Step } from '../../reconcilers/shared/step.ts';
import type { PiNodeSpec } from '../../reconcilers/pinode/pinode-types.ts';
import type { ObservedState } from '../../reconcilers/pinode/parse-state.ts';
import { desiredKeyLines } from '../../reconcilers/pinode/steps/users.ts';

export interface PlannedFile {
  /** The step that writes it. */
  step: string;
  path: string;
  /** The content after the step, from the content before it (undefined: absent). */
  after(before: string | undefined): string;
}

/** /etc/hosts as the etc-hosts step's awk leaves it: one 127.0.1.1 line, naming the host. */
export function rewriteHosts(before: string | undefined, hostname: string): string {
  const out: string[] = [];
  let done = false;
  const lines = (before ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    if (line.split(/[ \t]+/).filter(Boolean)[0] === '127.0.1.1') {
      if (!done) out.push(`127.0.1.1\t${hostname}`);
      done = true;
    } else out.push(line);
  }
  if (!done) out.push(`127.0.1.1\t${hostname}`);
  return `${out.join('\n')}\n`;
}

export function plannedPiNodeFiles(spec: PiNodeSpec, state: ObservedState, steps: readonly Step[]): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const step of steps) {
    if (step.name === 'hostname' && spec.hostname) {
      const h = spec.hostname;
      files.push({ step: step.name, path: '/etc/hostname', after: () => `${h}\n` });
    } else if (step.name === 'etc-hosts' && spec.hostname) {
      const h = spec.hostname;
      files.push({ step: step.name, path: '/etc/hosts', after: (before) => rewriteHosts(before, h) });
    } else if (step.name === 'timezone' && spec.timezone) {
      const z = spec.timezone;
      files.push({ step: step.name, path: '/etc/timezone', after: () => `${z}\n` });
    } else if (step.name.startsWith('authorized-keys:')) {
      const name = step.name.slice('authorized-keys:'.length);
      const user = spec.users?.find((u) => u.name === name);
      // A user created by this plan gets useradd's default home.
      const home = state.users.get(name)?.home ?? `/home/${name}`;
      if (!user?.authorizedKeys) continue;
      const keys = desiredKeyLines(user.authorizedKeys);
      files.push({ step: step.name, path: `${home}/.ssh/authorized_keys`, after: () => keys.map((k) => `${k}\n`).join('') });
    }
  }
  return files;
}
