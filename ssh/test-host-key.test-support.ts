// An ed25519 host key pair for in-process ssh2 servers in tests. ssh2's own generator strips
// leading zero bytes from the public key, so about 1 pair in 256 does not parse back (ssh2
// issues #1390 and #1513): a server built on one fails with "Malformed OpenSSH private key",
// which failed a CI run. Only a pair whose both halves parse is handed out.
import ssh2 from 'ssh2';

const { utils } = ssh2;

export function testHostKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}
