// Label selectors as Kubernetes defines them (metav1.LabelSelector): every matchLabels pair and
// every matchExpressions requirement must hold. An empty selector selects everything; a missing
// one (undefined) selects nothing, as for a Deployment's or a PDB's selector.
import type { LabelSelector } from '../reconcilers/contract.ts';

export type Labels = Readonly<Record<string, string>> | undefined;

export function matchesSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!present || !values.includes(have[req.key] as string)) return false;
        break;
      case 'NotIn':
        // A missing label is "not in" any set, as the API server evaluates it.
        if (present && values.includes(have[req.key] as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An unknown operator must not silently widen the selection.
        return false;
    }
  }
  return true;
}

/** The selector in the API's `labelSelector` query syntax (for list calls). */
export function selectorToQuery(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    if (req.operator === 'In') parts.push(`${req.key} in (${values})`);
    else if (req.operator === 'NotIn') parts.push(`${req.key} notin (${values})`);
    else if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
  }
  return parts.join(',');
}
