// Cross-kind watches: which SlurmPartitions, GlusterVolumes or MinioPools must be looked at
// again when a PiNode changes. An object selects a node by a label selector or by name.
import type { LabelSelector } from '../reconcilers/contract.ts';
import type { KubeObject } from './kube-object.ts';
import { matchesSelector } from './label-selector.ts';
import { deepEqual } from './merge-patch.ts';
import { objectKey } from './resource-type.ts';

export interface NodeSelection {
  selectors: LabelSelector[];
  names: string[];
}

export type NodeSelectionOf = (owner: KubeObject) => NodeSelection;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collect(value: Record<string, unknown>, out: NodeSelection): void {
  if (isRecord(value.nodeSelector)) out.selectors.push(value.nodeSelector as LabelSelector);
  for (const field of ['nodes', 'nodeNames']) {
    const v = value[field];
    if (Array.isArray(v)) for (const n of v) if (typeof n === 'string') out.names.push(n);
  }
  for (const field of ['node', 'nodeName', 'controller']) {
    const v = value[field];
    if (typeof v === 'string') out.names.push(v);
    else if (isRecord(v) && typeof v.name === 'string') out.names.push(v.name);
  }
}

/**
 * The default reading of an owner's spec: `nodeSelector`, `nodes`/`nodeNames`, `node`/`nodeName`,
 * `controller` (a name or `{ name }`) on the spec and one level down (e.g. `spec.bricks`,
 * `spec.mount`, each element of an array there).
 */
export const defaultNodeSelection: NodeSelectionOf = (owner) => {
  const out: NodeSelection = { selectors: [], names: [] };
  const spec = owner.spec;
  if (!isRecord(spec)) return out;
  collect(spec, out);
  for (const v of Object.values(spec)) {
    if (isRecord(v)) collect(v, out);
    else if (Array.isArray(v)) for (const el of v) if (isRecord(el)) collect(el, out);
  }
  return out;
};

export function selectsNode(selection: NodeSelection, node: KubeObject): boolean {
  if (selection.names.includes(node.metadata.name)) return true;
  return selection.selectors.some((s) => matchesSelector(s, node.metadata.labels));
}

function readyOf(node: KubeObject | undefined): unknown {
  const status = node?.status;
  if (!isRecord(status) || !Array.isArray(status.conditions)) return undefined;
  const ready = (status.conditions as { type?: string; status?: string }[]).find((c) => c.type === 'Ready');
  return ready?.status;
}

function factsOf(node: KubeObject | undefined): unknown {
  const status = node?.status;
  return isRecord(status) ? status.facts : undefined;
}

/** Whether a PiNode change is one its owners care about: labels, facts or readiness. */
export function nodeChangeMatters(oldNode: KubeObject | undefined, newNode: KubeObject | undefined): boolean {
  if (!oldNode || !newNode) return true;
  return (
    !deepEqual(oldNode.metadata.labels ?? {}, newNode.metadata.labels ?? {}) ||
    !deepEqual(factsOf(oldNode), factsOf(newNode)) ||
    readyOf(oldNode) !== readyOf(newNode)
  );
}

/**
 * Keys of the owners selecting the node before or after the change (a relabelled node leaves
 * the old selection and joins the new one; both owners must re-plan).
 */
export function ownersOfNodeChange(
  owners: KubeObject[],
  oldNode: KubeObject | undefined,
  newNode: KubeObject | undefined,
  selectionOf: NodeSelectionOf = defaultNodeSelection,
): string[] {
  if (!nodeChangeMatters(oldNode, newNode)) return [];
  const namespace = (newNode ?? oldNode)?.metadata.namespace;
  const keys: string[] = [];
  for (const owner of owners) {
    if ((owner.metadata.namespace ?? '') !== (namespace ?? '')) continue;
    const selection = selectionOf(owner);
    if ((oldNode && selectsNode(selection, oldNode)) || (newNode && selectsNode(selection, newNode))) {
      keys.push(objectKey(owner.metadata.namespace, owner.metadata.name));
    }
  }
  return keys;
}
