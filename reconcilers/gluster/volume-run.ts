// One reconcile or finalize of a GlusterVolume as the files here carry it: the shared Run.
import type { Run } from '../shared/run.ts';
import type { GlusterVolume, GlusterVolumeStatus } from './types.ts';

export type VolumeRun = Run<GlusterVolume, GlusterVolumeStatus>;
