// The schema machinery the embedded control plane runs for every create and update of a
// custom resource: prune, default, validate — in that order, as the apiextensions-apiserver does.
export type { FieldCause, FieldCauseReason, JSONSchemaProps, ValidationRule } from './types.ts';
export { validateObject } from './validate.ts';
export { applyDefaults } from './defaults.ts';
export { pruneUnknownFields } from './prune.ts';
export { checkStructural } from './structural.ts';
