// Checks a private key before anything is sent. The parser's own error text is never passed on:
// for a damaged key it quotes bytes of the key itself.
import ssh2 from 'ssh2';

export type PrivateKeyProblem = 'unparseable' | 'encrypted';

/** Undefined when ssh2 can log in with this key; otherwise what is wrong, in words safe to show. */
export function privateKeyProblem(text: string): PrivateKeyProblem | undefined {
  let parsed: ReturnType<typeof ssh2.utils.parseKey>;
  try {
    parsed = ssh2.utils.parseKey(text);
  } catch {
    return 'unparseable';
  }
  if (parsed instanceof Error) return /encrypted/i.test(parsed.message) ? 'encrypted' : 'unparseable';
  return undefined;
}

export function describePrivateKeyProblem(problem: PrivateKeyProblem): string {
  return problem === 'encrypted'
    ? 'is passphrase-protected; bramble needs a key without a passphrase'
    : 'is not an OpenSSH or PEM private key';
}
