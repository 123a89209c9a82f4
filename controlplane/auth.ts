// Bearer-token authentication: one token, generated at first start and kept in the data
// dir (mode 0600, narrowed on every start), required on every request.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFile, writePrivateFile } from './private-files.ts';

export const ADMIN_USER = 'bramble-admin';

export function loadOrCreateToken(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('hex');
  const file = join(dataDir, 'token');
  if (existsSync(file)) {
    ensurePrivateFile(file);
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) return token;
  }
  const token = randomBytes(32).toString('hex');
  writePrivateFile(file, `${token}\n`);
  return token;
}

/** The user a request authenticates as, or undefined (→ 401). */
export function authenticate(authorization: string | undefined, token: string): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const given = Buffer.from(m[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected) ? ADMIN_USER : undefined;
}
