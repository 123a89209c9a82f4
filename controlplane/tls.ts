// A CA and a serving certificate for the address the server binds, made with the openssl
// CLI (node's crypto cannot issue X.509 certificates). The CA is kept in the data dir so
// kubeconfigs stay valid across restarts; the serving certificate is reissued each start
// so it always names the current address.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { ensurePrivateFile } from './private-files.ts';

export interface ServingCertificate {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function issueServingCertificate(dataDir: string | undefined, host: string): ServingCertificate {
  const scratch = mkdtempSync(join(tmpdir(), 'bramble-tls-'));
  try {
    const dir = dataDir ?? scratch;
    const caKey = join(dir, 'ca.key');
    const caCert = join(dir, 'ca.crt');
    if (!existsSync(caKey) || !existsSync(caCert)) {
      openssl(
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          caKey,
          '-out',
          caCert,
          '-days',
          '3650',
          '-subj',
          '/CN=bramble-controlplane-ca',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        scratch,
      );
    }
    ensurePrivateFile(caKey);
    ensurePrivateFile(caCert);
    const san = [isIP(host) ? `IP:${host}` : `DNS:${host}`, 'DNS:localhost', 'IP:127.0.0.1'];
    writeFileSync(
      join(scratch, 'ext.cnf'),
      [
        `subjectAltName=${[...new Set(san)].join(',')}`,
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
      ].join('\n'),
    );
    openssl(
      [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=bramble-controlplane',
      ],
      scratch,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-set_serial',
        String(Date.now()),
        '-days',
        '825',
        '-extfile',
        'ext.cnf',
        '-out',
        'server.crt',
      ],
      scratch,
    );
    return {
      caCertPem: readFileSync(caCert, 'utf8'),
      certPem: readFileSync(join(scratch, 'server.crt'), 'utf8'),
      keyPem: readFileSync(join(scratch, 'server.key'), 'utf8'),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
