// What every end-to-end test stands on: simulated Pis with an apt source, the embedded control
// plane with the CRDs, the SSH key Secret made the README's way, and the operator as `bramble run`
// composes it — with only its executor wrapped, to count the commands it passes on unchanged.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFleet, type Fleet } from '../fleet/fleet.ts';
import { hostLeaks } from '../fleet/host-leaks.ts';
import { REPO_ROOT, sshKeySecretArgs, startTestControlPlane, type TestControlPlane } from '../controlplane/harness.ts';
import { startBrambleOperator, type RunningOperator } from '../../cli/operator.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { CountingExecutor } from './counting-executor.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
export interface ObjectJson {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { conditions?: Condition[] } & Record<string, unknown>;
}
export interface EventJson {
  reason: string;
  note?: string;
  type: string;
  regarding?: { name?: string; kind?: string };
}

export interface E2eOptions {
  /** Fleet name, unique per test file. */
  name: string;
  nodes: number;
  /** A /24 no other test file uses. */
  subnet: string;
  resyncMs: number;
  /** Nodes whose eth0 NetworkManager manages (startFleet's option of that name). */
  networkManager?: string[];
}

export class E2eEnvironment {
  readonly counter = new CountingExecutor();
  fleet!: Fleet;
  cp!: TestControlPlane;
  operator!: RunningOperator;

  static async start(options: E2eOptions): Promise<E2eEnvironment> {
    const env = new E2eEnvironment();
    try {
      env.fleet = await startFleet({
        name: options.name,
        nodes: options.nodes,
        subnet: options.subnet,
        ...(options.networkManager ? { networkManager: options.networkManager } : {}),
      });
      // What every real Pi has: an apt source. Here it is the fleet's local repository.
      await Promise.all(
        env.fleet.nodes.map((n) =>
          env.onNode(
            n.name,
            `echo 'deb [trusted=yes] ${env.fleet.aptRepoUrl} ./' > /etc/apt/sources.list.d/local.list && apt-get update -qq`,
          ),
        ),
      );
      env.cp = await startTestControlPlane();
      await env.kubectl(['apply', '-f', join(REPO_ROOT, 'crds')]);
      const keyFile = join(env.cp.dir, 'bramble-key');
      writeFileSync(keyFile, env.fleet.clientKey.privateKey, { mode: 0o600 });
      await env.kubectl(sshKeySecretArgs(keyFile));
      env.operator = await startBrambleOperator({
        argv: [
          '--metrics-bind-address',
          '127.0.0.1:0',
          '--health-probe-bind-address',
          '127.0.0.1:0',
          '--log-level',
          process.env.BRAMBLE_E2E_LOG_LEVEL ?? 'warn',
        ],
        kubeConfig: kubeConfigFromString(env.cp.cp.kubeconfig()),
        wrapExecutor: (inner) => env.counter.wrap(inner),
        tuning: { resyncMs: options.resyncMs },
      });
    } catch (err) {
      await env.close();
      throw err;
    }
    return env;
  }

  async close(): Promise<void> {
    await this.operator?.stop();
    await this.cp?.close();
    if (!this.fleet) return;
    await this.fleet.teardown();
    assert.deepEqual(hostLeaks(this.fleet.name), [], `fleet ${this.fleet.name} left these on the host after its teardown`);
  }

  async kubectl(args: string[], stdin?: string): Promise<string> {
    const r = await this.cp.kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  async get(kind: string, name: string): Promise<ObjectJson> {
    return JSON.parse(await this.kubectl(['get', kind, name, '-o', 'json'])) as ObjectJson;
  }

  async list(kind: string): Promise<ObjectJson[]> {
    return (JSON.parse(await this.kubectl(['get', kind, '-o', 'json'])) as { items: ObjectJson[] }).items;
  }

  async events(): Promise<EventJson[]> {
    return (JSON.parse(await this.kubectl(['get', 'events.events.k8s.io', '-o', 'json'])) as { items: EventJson[] }).items;
  }

  /** Runs a command inside a simulated Pi as root (not over SSH) and returns its trimmed stdout. */
  async onNode(node: string, command: string, timeoutMs?: number): Promise<string> {
    const r = await this.fleet.exec(node, command, timeoutMs ? { timeoutMs } : {});
    assert.equal(r.code, 0, `${node}: ${command}: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** PiNodes for the fleet's Pis, pinned to their host keys; `extra` adds labels and spec per Pi. */
  piNodeYaml(extra: (node: string) => { labels?: Record<string, string>; spec?: Record<string, unknown> } = () => ({})): string {
    return this.fleet.nodes
      .map((n) => {
        const more = extra(n.name);
        return stringify({
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: { name: n.name, labels: more.labels ?? {} },
          spec: {
            address: n.address,
            ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKey: n.hostKey },
            hostname: n.name,
            ...more.spec,
          },
        });
      })
      .join('---\n');
  }
}

export function condition(obj: ObjectJson, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}
