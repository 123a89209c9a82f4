// The one read-only script a MinioPool observe sends to each node (as root, over `sh -s`): the
// installed binary's digest, the service user, each drive (exists, owner, mount point), the
// digests of the env file and unit, whether the server was (re)started with the files now on
// disk, the service state, and MinIO's own answer on /minio/health/live and /minio/health/cluster.
// Sections are framed by a per-run marker (see ../shared/parse-sections.ts).
import { sh, shellQuote } from '../../ssh/quote.ts';
import { observeFrame, probeLines, type Probe } from '../shared/observe-frame.ts';
import { minioPaths, minioService } from './types.ts';
import { bootStateProbe } from '../shared/boot-state.ts';

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

/** HTTP status of a local MinIO endpoint, 000 when nothing answers (bounded: a hung server must not hold the observe). */
export function healthProbe(port: number, path: string): string {
  return `curl -s -o /dev/null -m 3 -w '%{http_code}' ${shellQuote(`http://127.0.0.1:${port}${path}`)}`;
}

export function minioObserveScript(params: ObserveParams, nonce: string): string {
  const probes: Probe[] = [
    ['binary', `[ -f ${minioPaths.binary} ] && sha256sum < ${minioPaths.binary} | cut -d ' ' -f 1`],
    ['user', sh`id -u ${params.serviceUser}`],
    // path, existing?, owner, the mount point of the path (or of its nearest existing parent)
    ['drives', sh`for d in ${[...params.drivePaths]}; do p="$d"; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; if [ -d "$d" ]; then o=$(stat -c %U "$d"); e=yes; else o=-; e=no; fi; printf '%s\\t%s\\t%s\\t%s\\n' "$d" "$e" "$o" "$(stat -c %m "$p")"; done`],
    ['env', `[ -f ${minioPaths.envFile} ] && stat -c '%a %U' ${minioPaths.envFile} && sha256sum < ${minioPaths.envFile} | cut -d ' ' -f 1`],
    ['unit', `[ -f ${minioPaths.unit} ] && sha256sum < ${minioPaths.unit} | cut -d ' ' -f 1`],
    ['applied', `[ -f ${minioPaths.stamp} ] && [ "$(cat ${minioPaths.stamp})" = "$(fingerprint)" ] && echo current`],
    ['service', `printf '%s %s\\n' "$(systemctl is-active ${minioService})" "$(systemctl is-enabled ${minioService} 2>/dev/null)"`],
    ['live', healthProbe(params.apiPort, '/minio/health/live')],
    ['cluster', healthProbe(params.apiPort, '/minio/health/cluster')],
    bootStateProbe,
  ];
  return observeFrame(probeLines(probes), nonce, [fingerprintFunction]);
}
