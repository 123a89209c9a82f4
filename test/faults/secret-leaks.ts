// "Secrets never leak": no secret value bramble handles may show up anywhere but in its Secret
// and on the Pi it is meant for. The values are the fleet's SSH private key, the munge key, the
// MinIO root password(s) and the control plane's bearer token (the operators authenticate with
// that same token through the kubeconfig; there is no separate service token). The places are
// every log line, every object of every listable kind except Secrets (Events included), the
// operators' /metrics, the control plane's SQLite file read directly, so an object the API
// might hide is searched too, every file on the Pis that any local user can read, and (when a
// test sampled them during an apply) the Pis' process lists (secret-leaks-pi.ts). A hit names the secret, the form it took and where it was; the
// value itself is never printed.
//
// `findSecretLeaks` is the matcher alone (texts in, hits out) so it can be proven to fail
// without a fleet; `assertNoSecretLeaks` gathers the secrets and the places from a FaultFleet.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MINIO_PASSWORD, type FaultFleet } from '../e2e/converged-fleet.ts';
import { piWorldReadableSources, type ProcessLists } from './secret-leaks-pi.ts';

/** One form a secret can take in text, e.g. "base64, bytes 16–31"; `value` is never printed. */
export interface Needle {
  form: string;
  value: string;
}

export interface SecretValue {
  /** What the secret is, e.g. "munge key"; safe to print. */
  label: string;
  needles: Needle[];
}

/** A text to search and where it came from, e.g. "log operator-op0.log". */
export interface Source {
  where: string;
  text: string;
}

export interface Leak {
  secret: string;
  form: string;
  /** The source, with the line (1-based) the value starts on. */
  where: string;
}

// Shorter needles would match by chance (a 12-character base64 run is in any big log).
const MIN_NEEDLE = 16;

/** Every hit of every secret in every source; one per (secret, source line), naming the longest form found. */
export function findSecretLeaks(secrets: SecretValue[], sources: Source[]): Leak[] {
  // Needles grouped by length, so each text is scanned once per distinct length, not per needle.
  const byLength = new Map<number, Map<string, { secret: string; form: string }>>();
  for (const s of secrets) {
    for (const n of s.needles) {
      if (n.value.length < MIN_NEEDLE) continue;
      let m = byLength.get(n.value.length);
      if (!m) byLength.set(n.value.length, (m = new Map()));
      if (!m.has(n.value)) m.set(n.value, { secret: s.label, form: n.form });
    }
  }
  const leaks: Leak[] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    const lineStarts = lineStartsOf(src.text);
    // Longest needles first, so a line holding the whole value is reported as that.
    for (const [len, needles] of [...byLength].sort((a, b) => b[0] - a[0])) {
      for (let i = 0; i + len <= src.text.length; i++) {
        const hit = needles.get(src.text.substr(i, len));
        if (!hit) continue;
        const where = `${src.where}:${lineOf(lineStarts, i)}`;
        const key = `${hit.secret}\0${where}`;
        if (seen.has(key)) continue;
        seen.add(key);
        leaks.push({ secret: hit.secret, form: hit.form, where });
      }
    }
  }
  return leaks;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// ---- the forms a secret takes ---------------------------------------------------------------

/**
 * Every `windowBytes`-byte window of `bytes` (from `from` on) as it would read inside some
 * base64 text that embeds it. Base64 encodes 3-byte groups, so a window starting at byte s reads
 * the same as the matching stretch of the base64 of the bytes from s mod 3 on; the needles are
 * the whole 4-character groups of those three encodings, so any embedding of a long enough
 * window contains one.
 */
export function base64Windows(bytes: Buffer, windowBytes: number, from = 0): Needle[] {
  const groups = Math.floor((windowBytes - 2) / 3); // whole groups inside any window that long
  const out: Needle[] = [];
  for (let align = 0; align < 3; align++) {
    const b64 = bytes.subarray(align).toString('base64').replace(/=+$/, '');
    for (let g = 0; 4 * (g + groups) <= b64.length; g++) {
      const start = align + 3 * g;
      if (start < from) continue;
      out.push({ form: `base64 of bytes ${start}–${start + 3 * groups - 1}`, value: b64.slice(4 * g, 4 * (g + groups)) });
    }
  }
  return out;
}

/** Every `windowBytes`-byte window of `bytes` in hex, lower and upper case. */
export function hexWindows(bytes: Buffer, windowBytes: number): Needle[] {
  const hex = bytes.toString('hex');
  const out: Needle[] = [];
  for (let s = 0; s + windowBytes <= bytes.length; s++) {
    const value = hex.slice(2 * s, 2 * (s + windowBytes));
    out.push(
      { form: `hex of bytes ${s}–${s + windowBytes - 1}`, value },
      { form: `HEX of bytes ${s}–${s + windowBytes - 1}`, value: value.toUpperCase() },
    );
  }
  return out;
}

/** Every `windowChars`-character stretch of a text secret (a token shown cut short). */
export function textWindows(text: string, windowChars: number, form: string): Needle[] {
  if (text.length <= windowChars) return [{ form, value: text }];
  const out: Needle[] = [];
  for (let s = 0; s + windowChars <= text.length; s++)
    out.push({ form: `${form}, characters ${s}–${s + windowChars - 1}`, value: text.slice(s, s + windowChars) });
  return out;
}

/** An OpenSSH private key (PEM text): each line of its base64 body, and its base64 as a Secret holds it. */
export function sshKeySecret(label: string, pem: string): SecretValue {
  const body = pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('-----'));
  const header = pem.indexOf('\n') + 1;
  const bytes = Buffer.from(pem);
  return {
    label,
    needles: [
      ...body.map((value, i) => ({ form: `line ${i + 1} of the key's base64 body`, value })),
      { form: 'the whole key in base64 (as in the Secret)', value: bytes.toString('base64') },
      // The header line is the same for every key; only windows past it are this key.
      ...base64Windows(bytes, 48, header),
    ],
  };
}

/** A binary key (the munge key): its base64 and hex, and every 16-byte window of both. */
export function binaryKeySecret(label: string, bytes: Buffer): SecretValue {
  return {
    label,
    needles: [
      { form: 'the whole key in base64', value: bytes.toString('base64') },
      { form: 'the whole key in hex', value: bytes.toString('hex') },
      ...base64Windows(bytes, 16),
      ...hexWindows(bytes, 16),
    ],
  };
}

/**
 * A password or token: itself and its base64. A random token is also matched by every
 * 16-character stretch (a log that shows it cut short still leaks most of it); a password is
 * not, since stretches of a chosen phrase could be ordinary words.
 */
export function textSecret(label: string, value: string, opts: { random?: boolean } = {}): SecretValue {
  return {
    label,
    needles: [
      ...(opts.random ? textWindows(value, MIN_NEEDLE, 'as text') : [{ form: 'as text', value }]),
      { form: 'in base64', value: Buffer.from(value).toString('base64').replace(/=+$/, '') },
    ],
  };
}

// ---- gathering from a fleet -----------------------------------------------------------------

export interface LeakCheckOptions {
  /** More secret values a case introduced (e.g. a MinIO password it changed to). */
  extra?: { label: string; value: string }[];
  /** Secrets gathered earlier (`fleetSecrets`), e.g. before a case deleted or replaced them. */
  earlier?: SecretValue[];
  /** The Pis' process lists sampled during an apply (secret-leaks-pi.ts), searched for the secrets and the secret files' digests. */
  processLists?: ProcessLists;
}

async function secretData(ff: FaultFleet, name: string): Promise<Record<string, string> | undefined> {
  const out = await ff.kubectl(['get', 'secret', '--ignore-not-found', '-o', 'json', name]);
  if (out.trim() === '') return undefined;
  return (JSON.parse(out) as { data?: Record<string, string> }).data ?? {};
}

/** The secret values of a FaultFleet as they are now, plus any a case adds. */
export async function fleetSecrets(ff: FaultFleet, options: LeakCheckOptions = {}): Promise<SecretValue[]> {
  const secrets: SecretValue[] = [sshKeySecret('the fleet SSH private key', ff.fleet.clientKey.privateKey)];
  const stored = await secretData(ff, 'bramble-ssh-key');
  const storedPem = stored?.['ssh-privatekey'];
  if (storedPem && Buffer.from(storedPem, 'base64').toString() !== ff.fleet.clientKey.privateKey) {
    secrets.push(sshKeySecret('the SSH private key in Secret bramble-ssh-key', Buffer.from(storedPem, 'base64').toString()));
  }
  const munge = (await secretData(ff, 'seed-munge-key'))?.['munge.key'];
  if (munge) secrets.push(binaryKeySecret('the munge key', Buffer.from(munge, 'base64')));
  const passwords = new Set([MINIO_PASSWORD]);
  const root = (await secretData(ff, 'minio-root'))?.rootPassword;
  if (root) passwords.add(Buffer.from(root, 'base64').toString());
  for (const p of passwords) secrets.push(textSecret('a MinIO root password', p));
  const tokenFile = join(ff.dir, 'cp', 'token');
  assert.ok(existsSync(tokenFile), 'the control plane keeps its bearer token in its data dir');
  const token = readFileSync(tokenFile, 'utf8').trim();
  secrets.push(textSecret('the control plane bearer token', token, { random: true }));
  // The operators use the kubeconfig's token; it is the same one unless the file was changed.
  const kubeconfigToken = /token:\s*(\S+)/.exec(readFileSync(ff.kubeconfigPath, 'utf8'))?.[1]?.replace(/^["']|["']$/g, '');
  assert.ok(kubeconfigToken, 'the kubeconfig carries a bearer token');
  if (kubeconfigToken !== token) secrets.push(textSecret('the kubeconfig token', kubeconfigToken, { random: true }));
  for (const e of options.extra ?? []) secrets.push(textSecret(e.label, e.value));
  return [...secrets, ...(options.earlier ?? [])];
}

/** Every place a secret must not be, as texts. */
export async function fleetSources(ff: FaultFleet): Promise<Source[]> {
  const sources: Source[] = [];
  // The same files `ff.logs()` joins, one by one so a hit names its file.
  for (const name of ['controlplane.log', ...[...ff.operatorPorts.keys()].map((n) => `operator-${n}.log`)]) {
    const file = join(ff.dir, name);
    if (existsSync(file)) sources.push({ where: `log ${name}`, text: readFileSync(file, 'utf8') });
  }
  const resources = (await ff.kubectl(['api-resources', '--verbs=list', '-o', 'name']))
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean);
  assert.ok(
    resources.includes('pinodes.bramble.dev') && resources.includes('events'),
    `discovery lists the kinds: ${resources.join(', ')}`,
  );
  for (const r of resources) {
    if (r === 'secrets') continue;
    const items = (
      JSON.parse(await ff.kubectl(['get', r, '--all-namespaces', '-o', 'json'])) as {
        items: { metadata: { namespace?: string; name: string } }[];
      }
    ).items;
    for (const o of items)
      sources.push({
        where: `${r} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} (API)`,
        text: JSON.stringify(o, null, 1),
      });
  }
  for (const name of ff.operatorNames()) {
    const port = ff.operatorPorts.get(name)?.metrics;
    assert.ok(port, `operator ${name} has a metrics port`);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200, `operator ${name} serves /metrics`);
    sources.push({ where: `metrics of operator ${name}`, text: await res.text() });
  }
  sources.push(...storedObjects(join(ff.dir, 'cp', 'state.db')));
  return sources;
}

/** The control plane's stored objects, straight from its SQLite file, Secrets left out. */
export function storedObjects(dbFile: string): Source[] {
  assert.ok(existsSync(dbFile), 'the control plane stores its objects in state.db in its data dir');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT storage_key, namespace, name, body FROM objects WHERE storage_key <> '/secrets'").all() as {
      storage_key: string;
      namespace: string;
      name: string;
      body: string;
    }[];
    assert.ok(rows.length > 0, 'state.db holds objects');
    return rows.map((r) => ({ where: `state.db ${r.storage_key} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`, text: r.body }));
  } finally {
    db.close();
  }
}

/**
 * Fails, naming each secret, form and place (never the value), if any secret is anywhere it must
 * not be. Returns how much it searched, for the test's diagnostics.
 */
export async function assertNoSecretLeaks(
  ff: FaultFleet,
  options: LeakCheckOptions = {},
): Promise<{
  secrets: number;
  needles: number;
  sources: number;
  chars: number;
  piFiles: number;
  piFilesSkipped: number;
  psSamples: number;
}> {
  const secrets = await fleetSecrets(ff, options);
  assert.ok(
    secrets.some((s) => s.label === 'the munge key'),
    'the munge key (Secret seed-munge-key, now or in options.earlier) is checked',
  );
  const pi = piWorldReadableSources(ff);
  assert.ok(pi.sources.length > 0, 'the Pis wrote world-readable files (e.g. /etc/hostname): the scan sees them');
  const sources = [...(await fleetSources(ff)), ...pi.sources];
  const ps = options.processLists;
  const leaks = [...findSecretLeaks(secrets, sources), ...(ps ? findSecretLeaks([...secrets, ...ps.digests], ps.sources) : [])];
  if (leaks.length)
    assert.fail(`secret values outside their Secrets:\n${leaks.map((l) => `  ${l.secret} (${l.form}) in ${l.where}`).join('\n')}`);
  return {
    secrets: secrets.length,
    needles: secrets.reduce((n, s) => n + s.needles.length, 0),
    sources: sources.length + (ps?.sources.length ?? 0),
    chars: [...sources, ...(ps?.sources ?? [])].reduce((n, s) => n + s.text.length, 0),
    piFiles: pi.sources.length,
    piFilesSkipped: pi.skipped,
    psSamples: ps?.samples ?? 0,
  };
}
