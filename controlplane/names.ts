// metadata.name rules, worded as k8s.io/apimachinery/pkg/util/validation words them.
import type { FieldCause } from './types.ts';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const labelRe = new RegExp(`^${LABEL}$`);
const subdomainRe = new RegExp(`^${SUBDOMAIN}$`);

export function validateName(name: string | undefined, rule: 'subdomain' | 'label', field = 'metadata.name'): FieldCause[] {
  if (!name) {
    return [{ reason: 'FieldValueRequired', field, message: 'Required value: name or generateName is required' }];
  }
  const quoted = JSON.stringify(name);
  if (rule === 'label') {
    const out: FieldCause[] = [];
    if (name.length > 63) {
      out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${quoted}: must be no more than 63 characters` });
    }
    if (!labelRe.test(name)) {
      out.push({
        reason: 'FieldValueInvalid',
        field,
        message:
          `Invalid value: ${quoted}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', ` +
          `and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL}')`,
      });
    }
    return out;
  }
  const out: FieldCause[] = [];
  if (name.length > 253) {
    out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${quoted}: must be no more than 253 characters` });
  }
  if (!subdomainRe.test(name)) {
    out.push({
      reason: 'FieldValueInvalid',
      field,
      message:
        `Invalid value: ${quoted}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', ` +
        `and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN}')`,
    });
  }
  return out;
}
