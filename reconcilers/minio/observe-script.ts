// The one read-only script a MinioPool observe sends to each node (as root, over `sh -s`): the
// installed binary's digest, the service user, each drive (exists, owner, mount point), the
// digests of the env file and unit, whether the server was (re)started with the files now on
// disk, the service state, and MinIO's own answer on /minio/health/live and /minio/health/cluster.
// Sections are framed by a per-run marker (see ../shared/parse-sections.ts).
import { sh, shellQuote } from '../../ssh/quote.ts';
import { observeFrame, probeLines, type Probe } from '../shared/observe-frame.ts';
import { driveMarker, formatFile, minioPaths, minioService } from './types.ts';
import { bootStateProbe } from '../shared/boot-state.ts';
import { homeDirsProbe } from '../shared/home-dirs.ts';

export interface ObserveParams {
  apiPort: number;
  serviceUser: string;
  drivePaths: readonly string[];
}

const digest = (path: string) => `$(sha256sum < ${path} 2>/dev/null | cut -d ' ' -f 1)`;

/**
 * Prints the fingerprint the restart step records and observe compares: the digests of the
 * binary, the env file and the unit the server runs from (the secret itself never leaves the Pi).
 */
export const fingerprintFunction = `fingerprint() { printf '%s\\n%s\\n%s\\n' "${digest(minioPaths.binary)}" "${digest(minioPaths.envFile)}" "${digest(minioPaths.unit)}" | sha256sum | cut -d ' ' -f 1; }`;

/** Prints the deployment ID in the drive's .minio.sys/format.json (one line or pretty-printed JSON alike). */
export function formatIdOf(drive: string): string {
  return `tr -d ' \\n' < ${drive}/${formatFile} 2>/dev/null | sed -n 's/^{.*"id":"\\([0-9a-f-]*\\)".*/\\1/p' | head -n 1`;
}

/**
 * One tab-separated line per drive: path, exists (yes/no/link), owner, the mount point of the path
 * (or of its nearest existing parent), then what says whose it is: bramble's marker (uid, name,
 * created), MinIO's deployment ID, and how many entries it holds besides the marker and lost+found.
 */
export const driveFactsFunction = [
  'drive_facts() {',
  '  d=$1 p=$1 o=- e=no u= n= c= f= k=0',
  '  while [ ! -e "$p" ]; do p=$(dirname "$p"); done',
  '  if [ -L "$d" ]; then e=link; elif [ -d "$d" ]; then o=$(stat -c %U "$d"); e=yes; fi',
  `  m="$d/${driveMarker}"`,
  '  if [ "$e" = yes ]; then',
  '    if [ -f "$m" ] && [ ! -L "$m" ]; then',
  "      u=$(sed -n 's/^uid=//p' \"$m\" | head -n 1 | tr -cd 'A-Za-z0-9-')",
  "      n=$(sed -n 's/^name=//p' \"$m\" | head -n 1 | tr -cd 'A-Za-z0-9./-')",
  "      c=$(sed -n 's/^created=//p' \"$m\" | head -n 1 | tr -cd 'a-z')",
  '    fi',
  `    f=$(${formatIdOf('"$d"')})`,
  `    k=$(ls -A "$d" | grep -cvxF -e ${driveMarker} -e lost+found)`,
  '  fi',
  `  printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$d" "$e" "$o" "$(stat -c %m "$p")" "\${u:--}" "\${n:--}" "\${c:--}" "\${f:--}" "$k"`,
  '}',
].join('\n');

/** HTTP status of a local MinIO endpoint, 000 when nothing answers (bounded: a hung server must not hold the observe). */
export function healthProbe(port: number, path: string): string {
  return `curl -s -o /dev/null -m 3 -w '%{http_code}' ${shellQuote(`http://127.0.0.1:${port}${path}`)}`;
}

export function minioObserveScript(params: ObserveParams, nonce: string): string {
  const probes: Probe[] = [
    ['binary', `[ -f ${minioPaths.binary} ] && sha256sum < ${minioPaths.binary} | cut -d ' ' -f 1`],
    // uid and login shell of the service user, when it exists
    ['user', sh`getent passwd ${params.serviceUser} | cut -d: -f3,7`],
    ['drives', sh`for d in ${[...params.drivePaths]}; do drive_facts "$d"; done`],
    // mode and owner, digest, and the first line, which names the pool the file is for
    [
      'env',
      `[ -f ${minioPaths.envFile} ] && stat -c '%a %U' ${minioPaths.envFile} && sha256sum < ${minioPaths.envFile} | cut -d ' ' -f 1 && head -n 1 ${minioPaths.envFile} | cut -c 1-300`,
    ],
    ['unit', `[ -f ${minioPaths.unit} ] && sha256sum < ${minioPaths.unit} | cut -d ' ' -f 1`],
    ['applied', `[ -f ${minioPaths.stamp} ] && [ "$(cat ${minioPaths.stamp})" = "$(fingerprint)" ] && echo current`],
    ['stamp-mode', `[ -f ${minioPaths.stamp} ] && stat -c %a ${minioPaths.stamp}`],
    homeDirsProbe,
    ['service', `printf '%s %s\\n' "$(systemctl is-active ${minioService})" "$(systemctl is-enabled ${minioService} 2>/dev/null)"`],
    ['live', healthProbe(params.apiPort, '/minio/health/live')],
    ['cluster', healthProbe(params.apiPort, '/minio/health/cluster')],
    bootStateProbe,
  ];
  return observeFrame(probeLines(probes), nonce, [fingerprintFunction, driveFactsFunction]);
}
