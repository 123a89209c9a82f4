// The "who am I / may I" kinds, answered for the one user this server has (the admin of the
// bearer token) and never stored: SelfSubjectReview (`kubectl auth whoami`),
// SelfSubjectAccessReview (`kubectl auth can-i`, k9s, Lens, scripts) and SelfSubjectRulesReview
// (`kubectl auth can-i --list`). There is no RBAC: the admin may do whatever the server serves,
// so "may I" is "is this served": a verb on a resource it serves (or its status subresource),
// or a GET of a path it answers. Anything else is "no", with the reason.
import { STATUS_VERBS, verbsOf } from './discovery.ts';
import type { AnswerContext, KubeObject, ResourceType } from './types.ts';

/** The groups the admin reports (as a k3s admin does). */
const ADMIN_GROUPS = ['system:masters', 'system:authenticated'];
/** Paths outside the resource API that a GET is answered on. */
const NON_RESOURCE_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/openapi/*', '/version'];

function answered(request: KubeObject, status: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: request.apiVersion,
    kind: request.kind,
    metadata: { ...request.metadata, creationTimestamp: null },
    ...(request.spec !== undefined ? { spec: request.spec } : {}),
    status,
  };
}

export function selfSubjectReview(request: KubeObject, context: AnswerContext): Record<string, unknown> {
  return answered(request, { userInfo: { username: context.user, groups: ADMIN_GROUPS } });
}

interface ResourceAttributes {
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
}

const matches = (wanted: string | undefined, actual: string) => wanted === undefined || wanted === '*' || wanted === actual;

function resourceDecision(a: ResourceAttributes, served: ResourceType[]): { allowed: boolean; reason?: string } {
  const group = a.group ?? '';
  const resource = a.resource ?? '';
  const subresource = a.subresource ?? '';
  const verb = a.verb ?? '';
  const types = served.filter(
    (rt) => matches(group, rt.group) && matches(a.version || undefined, rt.version) && matches(resource, rt.resource),
  );
  const what = `${JSON.stringify(subresource ? `${resource}/${subresource}` : resource)} in group ${JSON.stringify(group)}`;
  if (types.length === 0) return { allowed: false, reason: `the bramble control plane does not serve ${what}` };
  const verbs = new Set(
    types.flatMap((rt) =>
      subresource === '' ? verbsOf(rt) : subresource === 'status' && rt.statusSubresource && !rt.answer ? STATUS_VERBS : [],
    ),
  );
  if (verbs.size === 0) return { allowed: false, reason: `the bramble control plane does not serve ${what}` };
  if (verb === '*' || verbs.has(verb)) return { allowed: true };
  return { allowed: false, reason: `${what} does not support the verb ${JSON.stringify(verb)} (served: ${[...verbs].sort().join(', ')})` };
}

function pathDecision(a: { path?: string; verb?: string }): { allowed: boolean; reason?: string } {
  const path = a.path ?? '';
  const verb = a.verb ?? '';
  const served = NON_RESOURCE_URLS.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
  if (served && (verb === 'get' || verb === 'head' || verb === '*')) return { allowed: true };
  return { allowed: false, reason: served ? `${path} answers GET only` : `the bramble control plane does not serve ${path}` };
}

export function selfSubjectAccessReview(request: KubeObject, context: AnswerContext): Record<string, unknown> {
  const spec = (request.spec ?? {}) as {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: { path?: string; verb?: string };
  };
  const decision = spec.resourceAttributes
    ? resourceDecision(spec.resourceAttributes, context.served())
    : spec.nonResourceAttributes
      ? pathDecision(spec.nonResourceAttributes)
      : { allowed: false, reason: 'the review names neither resourceAttributes nor nonResourceAttributes' };
  return answered(request, decision);
}

export function selfSubjectRulesReview(request: KubeObject, context: AnswerContext): Record<string, unknown> {
  const resourceRules: Record<string, unknown>[] = [];
  for (const rt of context.served()) {
    resourceRules.push({ verbs: verbsOf(rt), apiGroups: [rt.group], resources: [rt.resource] });
    if (rt.statusSubresource) resourceRules.push({ verbs: STATUS_VERBS, apiGroups: [rt.group], resources: [`${rt.resource}/status`] });
  }
  return answered(request, {
    resourceRules,
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: NON_RESOURCE_URLS }],
    incomplete: false,
  });
}
