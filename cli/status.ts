// `bramble status [--watch]`: every bramble resource with its conditions, pending steps and last
// Events, from the cluster the kubeconfig names (one list per kind and one of Events). --watch
// prints it again whenever it changes — the view `kubectl get -w` cannot give over several kinds.
import { ApiClient } from '../controllers/api-client.ts';
import { loadKubeConfig } from '../controllers/kubeconfig.ts';
import { collectionPath, resourceTypes } from '../controllers/resource-type.ts';
import type { FlagValues } from '../controllers/command-line.ts';
import type { Command } from './command.ts';
import { renderStatus, type StatusEvent, type StatusObject } from './status/render.ts';

export const STATUS_USAGE = `Usage: bramble status [--watch] [--namespace NS | --all-namespaces] [--kubeconfig PATH]
  Every PiNode, SlurmPartition, GlusterVolume and MinioPool: Ready with its reason, the other
  conditions, the steps still pending, and the last Events of each.
  --watch, -w            print it again whenever it changes (every --interval seconds, default 2)
  --namespace NS, -n     only this namespace (default: all namespaces)
  --kubeconfig PATH      the cluster (default: KUBECONFIG, ~/.kube/config, in-cluster)
`;

export const STATUS_FLAGS = {
  watch: { type: 'boolean', short: 'w' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  interval: { type: 'string' },
  kubeconfig: { type: 'string' },
} as const;

const KINDS = [resourceTypes.PiNode, resourceTypes.SlurmPartition, resourceTypes.GlusterVolume, resourceTypes.MinioPool];

/** One read of every bramble resource and the Events, rendered. */
export async function statusText(api: ApiClient, namespace: string | undefined, now: Date): Promise<string> {
  const objects: StatusObject[] = [];
  for (const type of KINDS) {
    const list = await api.request<{ items: StatusObject[] }>('GET', collectionPath(type, namespace), { timeoutMs: 30_000 });
    objects.push(
      ...list.items
        .map((o) => ({ ...o, kind: type.kind }))
        .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`)),
    );
  }
  const events = (await api.request<{ items: StatusEvent[] }>('GET', collectionPath(resourceTypes.Event, namespace), { timeoutMs: 30_000 }))
    .items;
  return renderStatus(objects, events, { now });
}

async function status(values: FlagValues): Promise<void> {
  const api = new ApiClient(loadKubeConfig(typeof values.kubeconfig === 'string' ? values.kubeconfig : undefined));
  const namespace = typeof values.namespace === 'string' && values['all-namespaces'] !== true ? values.namespace : undefined;
  try {
    if (values.watch !== true) {
      process.stdout.write(await statusText(api, namespace, new Date()));
      return;
    }
    const intervalMs = Math.max(0.5, Number(values.interval ?? 2)) * 1000;
    let last = '';
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    while (!stop.signal.aborted) {
      const text = await statusText(api, namespace, new Date());
      // Ages change every second; print when anything else has.
      const shape = text.replace(/\b\d+[smhd]\b/g, '');
      if (shape !== last) process.stdout.write(`${last === '' ? '' : '\n'}--- ${new Date().toISOString()}\n${text}`);
      last = shape;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    api.close();
  }
}

export const statusCommand: Command = {
  summary: 'every bramble resource: conditions, pending steps, last Events (--watch to follow)',
  usage: STATUS_USAGE,
  flags: STATUS_FLAGS,
  run: ({ values }) => status(values),
};
