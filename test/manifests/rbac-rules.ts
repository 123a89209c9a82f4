// Whether one API request is allowed by a set of RBAC roles, as kube-apiserver's RBAC
// authorizer decides it (apiGroups, resources incl. "resource/subresource", verbs,
// resourceNames; a Role only inside its namespace). Pure.
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface BoundRole {
  /** Undefined for a ClusterRole bound cluster-wide. */
  namespace?: string;
  name: string;
  rules: PolicyRule[];
}

export interface ApiRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((x) => x === '*' || x === value);
}

export function ruleAllows(rule: PolicyRule, req: ApiRequest): boolean {
  const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !has(rule.resources, resource)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return req.name !== undefined && rule.resourceNames.includes(req.name);
  return true;
}

/** The role and rule that allow the request, or undefined when RBAC would answer 403. */
export function allowedBy(roles: BoundRole[], req: ApiRequest): { role: string; rule: number } | undefined {
  for (const role of roles) {
    if (role.namespace !== undefined && role.namespace !== req.namespace) continue;
    const i = role.rules.findIndex((r) => ruleAllows(r, req));
    if (i >= 0) return { role: role.name, rule: i };
  }
  return undefined;
}
