// The PiNode types this folder uses, from the schema in crds/ (the one source of truth).
export type { PiNode, PiNodeFacts, PiNodeSpec, PiNodeStatus, PiNodeUser } from '../../crds/pinode.ts';
export type { PendingStep } from '../../crds/common.ts';
