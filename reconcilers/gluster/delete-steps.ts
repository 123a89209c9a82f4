// The steps reclaimPolicy Delete runs on a converged volume's Pis, after its mounts are gone:
// stop and delete the volume, then remove each brick directory. Each checks again on the Pi,
// just before, what the plan saw: the volume still has the recorded ID and this resource's
// marker; the directory's trusted.glusterfs.volume-id is still the recorded volume ID.
import { sh } from '../../ssh/quote.ts';
import type { Step } from '../shared/step.ts';
import { glusterStep } from './steps.ts';
import { ownerOption } from './ownership.ts';

export function volumeDeleteStep(volume: string, volumeId: string, ownerUid: string): Step {
  return glusterStep(
    'volume-delete',
    `stop and delete volume ${volume} (${volumeId})`,
    [
      sh`gluster volume info ${volume} >/dev/null 2>&1 || exit 0`,
      sh`gluster volume info ${volume} | grep -qxF ${`Volume ID: ${volumeId}`} || fail ${`volume ${volume} no longer has ID ${volumeId}; left in place`}`,
      sh`gluster volume info ${volume} | grep -qxF ${`${ownerOption}: ${ownerUid}`} || fail ${`volume ${volume} no longer carries this resource's ${ownerOption}; left in place`}`,
      sh`if gluster volume info ${volume} | grep -qx 'Status: Started'; then gluster --mode=script volume stop ${volume} force || fail ${`volume stop ${volume} failed`}; fi`,
      sh`gluster --mode=script volume delete ${volume} || fail ${`volume delete ${volume} failed`}`,
    ],
    'VolumeDeleted',
  );
}

export function brickRemoveStep(dir: string, volumeId: string): Step {
  return glusterStep(
    'brick-remove',
    `remove brick directory ${dir} of volume ${volumeId} and its data`,
    [
      sh`[ -e ${dir} ] || exit 0`,
      sh`v=$(getfattr -n trusted.glusterfs.volume-id -e hex --absolute-names ${dir} 2>/dev/null | sed -n 's/^trusted\\.glusterfs\\.volume-id=0x//p')`,
      sh`[ "$v" = ${volumeId.replaceAll('-', '')} ] || fail ${`${dir} is not marked as a brick of volume ID ${volumeId} (trusted.glusterfs.volume-id); left in place`}`,
      // A filesystem mounted inside the brick is not the brick's.
      sh`rm -rf --one-file-system -- ${dir} || fail ${`cannot remove ${dir}`}`,
    ],
    'BrickDirectoryRemoved',
  );
}
