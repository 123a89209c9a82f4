// The embedded control plane, as the controller tests start it.
export { startControlPlane } from '../../controlplane/index.ts';
export type { ControlPlane, ControlPlaneOptions } from '../../controlplane/index.ts';
