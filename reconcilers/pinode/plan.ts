// plan: a pure function from (spec, observed state) to the steps that would make the Pi match.
// An empty plan means "in sync"; nothing outside these steps is ever changed.
//
// Order matters and is fixed: identity first (hostname, /etc/hosts, time zone), then packages
// (they may create groups users need), then each user followed by that user's keys.
import type { Step } from '../shared/step.ts';
import type { PiNodeSpec } from './pinode-types.ts';
import type { ObservedState } from './parse-state.ts';
import { etcHostsStep, hostnameStep } from './steps/hostname.ts';
import { timezoneStep } from './steps/timezone.ts';
import { packagesStep } from './steps/packages.ts';
import { authorizedKeysStep, userStep } from './steps/users.ts';

export function planPiNode(spec: PiNodeSpec, state: ObservedState): Step[] {
  const steps: (Step | undefined)[] = [];
  if (spec.hostname !== undefined) {
    steps.push(hostnameStep(spec.hostname, state), etcHostsStep(spec.hostname, state));
  }
  if (spec.timezone !== undefined) steps.push(timezoneStep(spec.timezone, state));
  steps.push(packagesStep(spec.packages ?? [], state));
  for (const user of spec.users ?? []) {
    const observed = state.users.get(user.name);
    steps.push(userStep(user, observed, state.existingGroups), authorizedKeysStep(user, observed));
  }
  return steps.filter((s): s is Step => s !== undefined);
}
