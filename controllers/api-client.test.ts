// The API client's TLS side against a loopback HTTPS server that, like k3s, authenticates users
// by client certificate: the kubeconfig's CA, client certificate and key, and tls-server-name
// are what the connection really uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from './api-client.ts';
import { kubeConfigFromString } from './kubeconfig.ts';

interface Pki {
  ca: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
}

/** A CA, a serving certificate for DNS name `kubernetes.default` only, and a client certificate for CN=pi-admin. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-pki-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    ssl(
      'req',
      ...ec,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=kubernetes',
      '-addext',
      'subjectAltName=DNS:kubernetes.default',
    );
    ssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '1',
      '-copy_extensions',
      'copy',
    );
    ssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=pi-admin/O=system:masters');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    return {
      ca: read('ca.crt'),
      serverCert: read('server.crt'),
      serverKey: read('server.key'),
      clientCert: read('client.crt'),
      clientKey: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function kubeconfig(port: number, pki: Pki, serverName: string | undefined): string {
  const b64 = (b: Buffer): string => b.toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: k3s
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority-data: ${b64(pki.ca)}
${serverName ? `    tls-server-name: ${serverName}\n` : ''}contexts:
- name: k3s
  context: {cluster: k3s, user: k3s}
current-context: k3s
users:
- name: k3s
  user:
    client-certificate-data: ${b64(pki.clientCert)}
    client-key-data: ${b64(pki.clientKey)}
`;
}

void test('client-certificate auth with the kubeconfig CA and tls-server-name', async () => {
  const pki = makePki();
  const server = https.createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ user: peer.subject?.CN, path: req.url }));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const api = new ApiClient(kubeConfigFromString(kubeconfig(port, pki, 'kubernetes.default')));
  // The serving certificate names kubernetes.default, not 127.0.0.1: without tls-server-name it must fail.
  const unnamed = new ApiClient(kubeConfigFromString(kubeconfig(port, pki, undefined)));
  try {
    assert.deepEqual(await api.request('GET', '/version', { timeoutMs: 10_000 }), { user: 'pi-admin', path: '/version' });
    await assert.rejects(unnamed.request('GET', '/version', { timeoutMs: 10_000 }), /altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
  } finally {
    api.close();
    unnamed.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

void test('a kubeconfig user with as, as-uid, as-groups and as-user-extra: every request impersonates, as kubectl does', async () => {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('Content-Type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const api = new ApiClient(
    kubeConfigFromString(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users:
- name: admin
  user:
    token: admin-token
    as: system:serviceaccount:bramble-system:bramble
    as-uid: "1234"
    as-groups: [system:serviceaccounts, pi-admins]
    as-user-extra: {"reason/why": [audit]}
contexts: [{name: c, context: {cluster: c, user: admin}}]
current-context: c
`),
  );
  try {
    await api.request('GET', '/api', { timeoutMs: 10_000 });
    const h = seen[0]!;
    assert.equal(h.authorization, 'Bearer admin-token');
    assert.equal(h['impersonate-user'], 'system:serviceaccount:bramble-system:bramble');
    assert.equal(h['impersonate-uid'], '1234');
    // Node joins repeated request headers with ", " on the receiving side.
    assert.equal(h['impersonate-group'], 'system:serviceaccounts, pi-admins');
    assert.equal(h['impersonate-extra-reason%2fwhy'], 'audit');
  } finally {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

void test('as-groups without as is refused, as kubectl refuses it', () => {
  assert.throws(
    () =>
      kubeConfigFromString(`clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
users: [{name: u, user: {as-groups: [a]}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`),
    /as-groups, as-uid or as-user-extra without "as"/,
  );
});
