// Schema pieces every kind shares: object references, label selectors, paths, conditions,
// the plan a reconciler reports, and the reclaim policy.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import { dataPathCelRule, dataPathRuleText } from './data-path.ts';
import { MapList, PatternString, SetOf, StringEnum, StringMap, BoundedString } from './schema-kit.ts';

export const group = 'bramble.dev';
export const version = 'v1alpha1';
export const apiVersion = `${group}/${version}`;

export const ObjectName = (description: string) => PatternString(description, pattern.dnsSubdomain, 253);

export const SecretReference = (description: string) =>
  Type.Object({ name: ObjectName("Name of the Secret, in the resource's namespace.") }, { description });

export const AbsolutePath = (description: string) => PatternString(description, pattern.absolutePath, 255);

/** A directory that holds or shows people's data: an absolute path outside the system trees (data-path.ts). */
export const DataPath = (description: string) =>
  PatternString(`${description} ${dataPathRuleText}`, pattern.absolutePath, 255, { 'x-kubernetes-validations': [dataPathCelRule] });

export const Port = (description: string, defaultPort: number) =>
  Type.Integer({ description, minimum: 1, maximum: 65535, default: defaultPort });

export const LabelSelectorRequirement = Type.Object({
  key: PatternString('The label key the selector applies to.', pattern.labelKey, 317),
  operator: StringEnum(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const, 'How the key relates to the values.'),
  values: Type.Optional(
    SetOf(PatternString('A label value.', pattern.labelValue, 63), 64, 'Values for In and NotIn; empty for Exists and DoesNotExist.'),
  ),
});

/** metav1.LabelSelector: an empty selector selects every PiNode in the namespace. */
export const LabelSelector = (description: string) =>
  Type.Object(
    {
      matchLabels: Type.Optional(
        StringMap(PatternString('A label value.', pattern.labelValue, 63), 'Labels a PiNode must carry, all of them.', {
          maxProperties: 32,
        }),
      ),
      matchExpressions: Type.Optional(
        Type.Array(LabelSelectorRequirement, { description: 'Requirements a PiNode must meet, all of them.', maxItems: 32 }),
      ),
    },
    {
      description,
      'x-kubernetes-map-type': 'atomic',
      'x-kubernetes-validations': [
        {
          rule: "!has(self.matchExpressions) || self.matchExpressions.all(e, (e.operator in ['In', 'NotIn']) == (has(e.values) && size(e.values) > 0))",
          message: 'In and NotIn need values; Exists and DoesNotExist take none',
          fieldPath: '.matchExpressions',
        },
      ],
    },
  );

export const ReclaimPolicy = StringEnum(
  ['Retain', 'Delete'] as const,
  'What deleting this resource does to the data: Retain (the default) leaves it on the Pis; Delete removes it.',
  { default: 'Retain' },
);

export const ConditionSchema = Type.Object({
  type: PatternString('Type of condition in CamelCase: Ready, Reconciling, Stalled, …', pattern.conditionType, 316),
  status: StringEnum(['True', 'False', 'Unknown'] as const, 'Status of the condition.'),
  reason: PatternString('One CamelCase word saying why.', pattern.conditionReason, 1024, { minLength: 1 }),
  message: BoundedString('A human sentence with the details.', 32768),
  observedGeneration: Type.Optional(
    Type.Integer({ description: 'metadata.generation the condition was set from.', minimum: 0, format: 'int64' }),
  ),
  lastTransitionTime: Type.String({ description: 'When the status last changed.', format: 'date-time' }),
});

export const Conditions = MapList(
  ConditionSchema,
  ['type'],
  16,
  'Current state: Ready always; Reconciling and Stalled (kstatus) only while true.',
);

export const ObservedGeneration = Type.Integer({
  description: 'The metadata.generation this status describes.',
  minimum: 0,
  format: 'int64',
});

export const PendingStep = Type.Object({
  name: PatternString('Step name, with its subject after a colon: hostname, etc-hosts, user:alice.', pattern.stepName, 128),
  description: BoundedString('What the step will change, in words.', 1024),
});

export const PendingSteps = MapList(
  PendingStep,
  ['name'],
  128,
  'The plan: changes not yet applied (while paused, or before the next apply).',
);

export type LabelSelector = Static<ReturnType<typeof LabelSelector>>;
export type SecretReference = Static<ReturnType<typeof SecretReference>>;
export type ReclaimPolicy = Static<typeof ReclaimPolicy>;
export type PendingStep = Static<typeof PendingStep>;
