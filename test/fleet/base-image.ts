// Finds the base root filesystem and apt repository that scripts/setup/30-fleet.sh built. The
// directory name carries a hash of the build inputs, so a stale image is never used.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = new URL('../../', import.meta.url).pathname;

/** Same files, same order as `image_files` in scripts/setup/30-fleet.sh. */
export const imageInputs = [
  'scripts/setup/30-fleet.sh',
  'test/fleet/image/packages.txt',
  'test/fleet/image/extra-packages.txt',
  'test/fleet/image/customize.sh',
];

export interface BaseImage {
  hash: string;
  /** Root filesystem every node's overlay sits on (read-only to the nodes). */
  rootDir: string;
  /** Flat apt repository: the .debs of the build plus packages not in the image. */
  repoDir: string;
}

export function cacheDir(): string {
  return process.env.BRAMBLE_CACHE ?? '/var/cache/bramble';
}

export function imageHash(): string {
  const hash = createHash('sha256');
  for (const file of imageInputs) hash.update(readFileSync(join(repoRoot, file)));
  return hash.digest('hex').slice(0, 16);
}

export function findBaseImage(): BaseImage {
  const hash = imageHash();
  const dir = join(cacheDir(), `rootfs-${hash}`);
  const image = { hash, rootDir: join(dir, 'root'), repoDir: join(dir, 'repo') };
  if (!existsSync(join(image.rootDir, 'etc/os-release')) || !existsSync(join(image.repoDir, 'Packages.gz'))) {
    throw new Error(`the simulated Pi base image ${dir} is missing: run \`bash scripts/setup.sh\` as root`);
  }
  return image;
}
