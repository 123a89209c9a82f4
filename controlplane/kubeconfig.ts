// The kubeconfig a client needs for this server: URL, CA (when TLS) and the bearer token.
import { stringify } from 'yaml';

export function buildKubeconfig(url: string, token: string, caCertPem?: string): string {
  const cluster: Record<string, string> = { server: url };
  if (caCertPem) cluster['certificate-authority-data'] = Buffer.from(caCertPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bramble', cluster }],
    contexts: [{ name: 'bramble', context: { cluster: 'bramble', user: 'bramble-admin', namespace: 'default' } }],
    'current-context': 'bramble',
    users: [{ name: 'bramble-admin', user: { token } }],
    preferences: {},
  });
}
