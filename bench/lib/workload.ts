// The configuration every contender applies, in the forms each one takes: PiNode objects for
// bramble, shell one-liners for the pdsh floor, and the script that puts a Pi back the way it
// booted so every first run does the same work. The playbook (bench/ansible/playbook.yml)
// spells out the same values.
import { stringify } from 'yaml';
import { shellQuote } from '../../ssh/quote.ts';

export const timezone = 'Europe/Berlin';
export const packages = ['tree', 'jq'];
export const users = [
  { name: 'alice', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ4cvCiIZ/yoin9V1DLq+ScYB22xFW86E2zYaOeTizq alice@laptop' },
  { name: 'bob', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXZIc5otf3lCj9uvg55hHGY4inATyZoHwv3En8oO8yI bob@desk' },
];

export interface BenchNode {
  name: string;
  address: string;
  hostKey: string;
}

export const hostnameOf = (node: string): string => `${node}-bench`;

export function piNodeDocs(nodes: readonly BenchNode[], secretName: string): string {
  return nodes
    .map((n) =>
      stringify({
        apiVersion: 'bramble.dev/v1alpha1',
        kind: 'PiNode',
        metadata: { name: n.name, labels: { 'bramble.dev/cluster': 'bench' } },
        spec: {
          address: n.address,
          ssh: { user: 'pi', privateKeySecretRef: { name: secretName }, hostKey: n.hostKey },
          hostname: hostnameOf(n.name),
          timezone,
          users: users.map((u) => ({ name: u.name, groups: ['users'], authorizedKeys: [u.key] })),
          packages,
        },
      }),
    )
    .join('---\n');
}

/**
 * pdsh's two round trips for a converge: a read (bramble's observe) and the changes as one
 * unchecked one-liner; `%h` is not available, so the hostname comes from the node's own name.
 */
export function pdshConvergeCommands(): string[] {
  const userLines = users.map((u) =>
    [
      `id ${u.name} >/dev/null 2>&1 || useradd -m -G users ${u.name}`,
      `install -d -m 700 -o ${u.name} -g ${u.name} /home/${u.name}/.ssh`,
      `echo ${shellQuote(u.key)} > /home/${u.name}/.ssh/authorized_keys`,
      `chown ${u.name}: /home/${u.name}/.ssh/authorized_keys`,
    ].join('; '),
  );
  const change = [
    'h=$(cat /etc/hostname)-bench; echo $h > /etc/hostname; hostname $h',
    'sed -i \'/^127.0.1.1/d\' /etc/hosts; echo "127.0.1.1 $h" >> /etc/hosts',
    `ln -sf /usr/share/zoneinfo/${timezone} /etc/localtime; echo ${timezone} > /etc/timezone`,
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages.join(' ')} >/dev/null`,
    ...userLines,
  ].join('; ');
  return [pdshReadCommand(), `sudo -n sh -c ${shellQuote(change)}`];
}

/** One read round trip: the state a no-change resync looks at. */
export function pdshReadCommand(): string {
  return `sudo -n sh -c ${shellQuote(`hostname; cat /etc/timezone; id ${users.map((u) => u.name).join('; id ')}; dpkg-query -W ${packages.join(' ')}`)}`;
}

/** Run as root inside a node (not over SSH, not timed): undoes everything the workload does. */
export function resetScript(node: string): string {
  return [
    ...users.map((u) => `userdel -r ${u.name} 2>/dev/null; true`),
    `DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ${packages.join(' ')} >/dev/null`,
    'DEBIAN_FRONTEND=noninteractive apt-get autoremove --purge -y -qq >/dev/null',
    'apt-get clean',
    `echo ${node} > /etc/hostname; hostname ${node}`,
    `sed -i '/^127.0.1.1/d' /etc/hosts; printf '127.0.1.1\\t%s\\n' ${node} >> /etc/hosts`,
    'ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime; echo Etc/UTC > /etc/timezone',
  ].join('\n');
}
