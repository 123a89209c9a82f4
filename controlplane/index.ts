// The embedded control plane's public surface.
export { startControlPlane } from './server.ts';
export type { ControlPlane, ControlPlaneOptions, RequestLogEntry } from './server.ts';
export { installCrds, readCrdDocuments } from './install-crds.ts';
export type { ApiTarget } from './install-crds.ts';
