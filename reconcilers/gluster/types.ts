// The GlusterVolume types this folder uses, from the schema in crds/ (the one source of truth).
export type {
  GlusterBrickStatus,
  GlusterOwned,
  GlusterOwnedBrick,
  GlusterOwnedMount,
  GlusterVolume,
  GlusterVolumeSpec,
  GlusterVolumeStatus,
  GlusterVolumeType,
} from '../../crds/glustervolume.ts';
export type { PiNode } from '../../crds/pinode.ts';
