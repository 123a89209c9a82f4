// A real private key for unit tests that never connect: reconcilers check a key parses before
// they send anything, so a placeholder string is no longer enough. Made fresh per process.
import { generateKeyPairSync } from 'node:crypto';

export const testPrivateKey: string = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  privateKeyEncoding: { type: 'sec1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
