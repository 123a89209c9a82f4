// Command output can end up in conditions and Events, which everyone with read access sees.
// Masking is deliberately blunt: known secret values, PEM private key blocks and anything that
// looks like `password=...` are replaced before text leaves the reconciler.

const MASK = '***';
const pemBlock = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const assignment =
  /\b(password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;

/** Shortest secret fragment worth masking: shorter ones would mask ordinary words. */
const minFragment = 8;

export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // A secret may come back whole or one line at a time (a key echoed by a failing tool).
    const pieces = [secret, ...secret.split(/\r?\n/)].map((p) => p.trim()).filter((p) => p.length >= minFragment);
    for (const piece of pieces.sort((a, b) => b.length - a.length)) out = out.split(piece).join(MASK);
  }
  out = out.replace(pemBlock, MASK);
  out = out.replace(assignment, (_m, key: string, sep: string) => `${key}${sep}${MASK}`);
  return out;
}

/** The last `max` characters: the end of stderr says why a command failed. */
export function tail(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `…${trimmed.slice(trimmed.length - max + 1)}`;
}
