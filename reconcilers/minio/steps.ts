// The steps a MinioPool plan is made of. Each command checks, changes, then verifies, and every
// value reaches the shell through shellQuote (via `sh`). No step carries a secret: the env file
// with the root credentials is written with writeFileIfChanged (see apply.ts).
import { raw, sh } from '../../ssh/quote.ts';
import { failFunction, replaceFileFunction } from '../shared/shell-snippets.ts';
import type { Step } from '../shared/step.ts';
import { fingerprintFunction, formatIdOf, healthProbe } from './observe-script.ts';
import { driveMarker, minioPaths, minioService } from './types.ts';
import type { Owner } from '../shared/owner.ts';

const serviceTimeoutMs = 120_000;
const downloadTimeoutMs = 10 * 60_000;
/** How long a restarted server may take to answer /minio/health/live. */
export const liveWaitSeconds = 90;
/** Exit code of the fetch step when the download's digest is not the pinned one. */
export const checksumMismatchExit = 65;

function step(name: string, description: string, command: string, eventReason: string, timeoutMs = serviceTimeoutMs): Step {
  return { name, description, command, mutating: true, timeoutMs, eventReason };
}

/** Where a verified download waits until its node's turn in the rollout. */
export function stagedPath(sha256: string): string {
  return `${minioPaths.binary}.${sha256}`;
}

/**
 * Downloads the binary beside its final place and keeps it only if its sha256 is the pinned one.
 * Nothing is installed here: every node stages first, so a bad digest stops the rollout before
 * any node changes.
 */
export function fetchBinaryStep(url: string, sha256: string): Step {
  const staged = stagedPath(sha256);
  return step(
    'fetch-binary',
    `download ${url} and verify its sha256`,
    [
      failFunction,
      sh`[ -f ${staged} ] && [ "$(sha256sum < ${staged} | cut -d ' ' -f 1)" = ${sha256} ] && exit 0`,
      sh`install -d -m 0755 ${raw('/usr/local/bin')} || fail "cannot create /usr/local/bin"`,
      sh`tmp=$(mktemp ${`${minioPaths.binary}.download.XXXXXX`}) || fail "cannot create a temporary file"`,
      // A killed or failed download leaves nothing behind (after the final mv, $tmp is gone anyway).
      `trap 'rm -f "$tmp"' EXIT; trap 'exit 143' TERM INT HUP`,
      sh`curl -fsSL --retry 3 --connect-timeout 20 -o "$tmp" ${url} || { rm -f "$tmp"; fail ${`cannot download ${url}`}; }`,
      'got=$(sha256sum < "$tmp" | cut -d \' \' -f 1)',
      sh`if [ "$got" != ${sha256} ]; then rm -f "$tmp"; printf 'sha256 mismatch: the download has %s, spec.source.sha256 is %s\\n' "$got" ${sha256} >&2; exit ${raw(String(checksumMismatchExit))}; fi`,
      sh`chmod 0755 "$tmp" && mv -f "$tmp" ${staged} || fail "cannot keep the download"`,
    ].join('\n'),
    'BinaryDownloaded',
    downloadTimeoutMs,
  );
}

export function installBinaryStep(sha256: string): Step {
  const staged = stagedPath(sha256);
  const next = `${minioPaths.binary}.new`;
  return step(
    'install-binary',
    `install the minio binary ${sha256.slice(0, 12)}…`,
    [
      failFunction,
      sh`[ "$(sha256sum < ${staged} | cut -d ' ' -f 1)" = ${sha256} ] || fail "the staged binary is missing or changed"`,
      // A copy renamed into place: the running server keeps its old inode until it restarts.
      sh`cp ${staged} ${next} && chmod 0755 ${next} && mv -f ${next} ${minioPaths.binary} || fail "cannot install the binary"`,
      sh`rm -f ${staged}`,
    ].join('\n'),
    'BinaryInstalled',
  );
}

export function serviceUserStep(user: string): Step {
  return step(
    `user:${user}`,
    `create system user ${user}`,
    [
      failFunction,
      sh`id -u ${user} >/dev/null 2>&1 && exit 0`,
      sh`useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${user} || fail ${`cannot create user ${user}`}`,
    ].join('\n'),
    'ServiceUserCreated',
  );
}

/**
 * Creates each drive directory that is missing, marks each one not yet marked as this pool's
 * (the .bramble-owner file, 0600 root, written in this same step) and hands it to the service
 * user. Checked again on the Pi, just before: a drive with another resource's marker, or one that
 * holds anything (lost+found aside) and is not to be adopted, fails the step and stays as it is.
 */
export function drivesStep(paths: readonly string[], user: string, owner: Owner, adopt: readonly string[] = []): Step {
  return step(
    'drives',
    `create and mark drive directories owned by ${user}: ${paths.join(', ')}`,
    [
      failFunction,
      sh`uid=${owner.uid} name=${owner.name} user=${user} adopt=${` ${adopt.join(' ')} `}`,
      `for d in ${sh`${[...paths]}`}; do`,
      `  m="$d/${driveMarker}"`,
      '  [ ! -L "$d" ] || fail "$d is a symbolic link; left alone"',
      '  if [ -e "$m" ]; then',
      '    grep -qxF "uid=$uid" "$m" || fail "$d carries another resource\'s marker ($m); left alone"',
      '  else',
      '    created=no',
      '    if [ ! -e "$d" ]; then install -d -m 0750 -o "$user" -g "$user" "$d" || fail "cannot create $d"; created=yes',
      '    else case "$adopt" in *" $d "*) ;; *) [ "$(ls -A "$d" | grep -cvxF lost+found)" = 0 ] || fail "$d is not empty and carries no marker of this pool; left alone";; esac; fi',
      `    (umask 077 && printf 'uid=%s\\nname=%s\\ncreated=%s\\n' "$uid" "$name" "$created" > "$m.tmp" && mv -f "$m.tmp" "$m") || fail "cannot mark $d"`,
      '  fi',
      '  chown "$user:$user" "$d" || fail "cannot chown $d"',
      'done',
    ].join('\n'),
    'DrivesPrepared',
  );
}

export function unitStep(text: string, hash: string): Step {
  const path = minioPaths.unit;
  return step(
    'unit',
    `write ${path}`,
    [
      replaceFileFunction,
      failFunction,
      sh`[ -f ${path} ] && [ "$(sha256sum < ${path} | cut -d ' ' -f 1)" = ${hash} ] && exit 0`,
      sh`printf '%s' ${text} | replace_file ${path} 0644 root:root || fail ${`cannot write ${path}`}`,
      'systemctl daemon-reload || fail "systemctl daemon-reload failed"',
    ].join('\n'),
    'UnitWritten',
  );
}

/**
 * (Re)starts the node's server and waits for its /minio/health/live before reporting success, so
 * the rollout moves to the next node only once this one answers. Records the fingerprint of the
 * files it started with (see observe-script.ts).
 */
export function restartStep(apiPort: number, why: string): Step {
  return step(
    'restart',
    `restart minio: ${why}`,
    [
      failFunction,
      fingerprintFunction,
      'systemctl daemon-reload || fail "systemctl daemon-reload failed"',
      sh`systemctl enable -q ${minioService} || fail "cannot enable minio"`,
      sh`systemctl restart ${minioService} || fail "cannot restart minio"`,
      `i=0; while [ "$(${healthProbe(apiPort, '/minio/health/live')})" != 200 ]; do i=$((i + 1)); [ "$i" -ge ${liveWaitSeconds} ] && fail "minio did not answer /minio/health/live within ${liveWaitSeconds}s"; sleep 1; done`,
      // 0600: the fingerprint covers the env file, so a readable one would let local users test password guesses.
      sh`install -d -m 0755 ${raw('/var/lib/bramble')} && (umask 077 && fingerprint > ${`${minioPaths.stamp}.tmp`} && chmod 0600 ${`${minioPaths.stamp}.tmp`} && mv -f ${`${minioPaths.stamp}.tmp`} ${minioPaths.stamp}) || fail "cannot record what minio runs"`,
    ].join('\n'),
    'MinioRestarted',
    (liveWaitSeconds + 60) * 1000,
  );
}

export function enableStep(): Step {
  return step(
    'enable',
    'enable minio at boot',
    [failFunction, sh`systemctl enable -q ${minioService} || fail "cannot enable minio"`].join('\n'),
    'MinioEnabled',
  );
}

export function stopStep(why: string): Step {
  return step(
    'stop',
    `stop and disable minio: ${why}`,
    [
      failFunction,
      sh`systemctl disable -q --now ${minioService} 2>/dev/null; ! systemctl is-active -q ${minioService} || fail "minio still runs"`,
    ].join('\n'),
    'MinioStopped',
  );
}

/**
 * reclaimPolicy Delete for one recorded drive: checks again, on the Pi, that the directory carries
 * this pool's marker and (when recorded) that its format.json has the recorded deployment ID;
 * then removes what it holds, on its own filesystem only, and the directory itself when bramble
 * created it and it is not a mount point. lost+found stays.
 */
export function deleteDriveStep(path: string, ownerUid: string, deploymentId: string | undefined): Step {
  return step(
    `delete-drive:${path}`,
    `delete drive ${path} and its data (reclaimPolicy Delete)`,
    [
      failFunction,
      sh`d=${path} uid=${ownerUid} want=${deploymentId ?? ''}`,
      '[ -e "$d" ] || exit 0',
      '[ ! -L "$d" ] || fail "$d is a symbolic link; left in place"',
      `m="$d/${driveMarker}"`,
      '[ -f "$m" ] && grep -qxF "uid=$uid" "$m" || fail "$d does not carry this pool\'s marker (uid $uid); left in place"',
      `f=$(${formatIdOf('"$d"')})`,
      '[ -z "$want" ] || [ -z "$f" ] || [ "$f" = "$want" ] || fail "$d holds MinIO deployment $f, not $want; left in place"',
      'created=$(sed -n \'s/^created=//p\' "$m" | head -n 1)',
      `find "$d" -mindepth 1 -maxdepth 1 ! -name lost+found ! -name ${driveMarker} -exec rm -rf --one-file-system -- {} + || fail "cannot delete the contents of $d"`,
      'rm -f -- "$m" || fail "cannot remove $m"',
      'if [ "$created" = yes ] && ! mountpoint -q "$d"; then rmdir -- "$d" 2>/dev/null || true; fi',
    ].join('\n'),
    'DriveDeleted',
  );
}

/** A stamp written before it was kept private: made 0600 without a restart. */
export function stampModeStep(): Step {
  return step('stamp-mode', `make ${minioPaths.stamp} readable by root only`, sh`chmod 0600 ${minioPaths.stamp}`, 'StampSecured');
}
