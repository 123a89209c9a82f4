// The Ansible side's configuration, rendered from the fleet: an inventory naming every Pi with
// its hostname, and an ansible.cfg with pipelining on and host key checking against a
// known_hosts file that pins each node's key. Pure.

export interface InventoryHost {
  name: string;
  address: string;
  hostname: string;
}

export function renderInventory(hosts: readonly InventoryHost[], privateKeyPath: string): string {
  return [
    '[pis]',
    ...hosts.map((h) => `${h.name} ansible_host=${h.address} pi_hostname=${h.hostname}`),
    '',
    '[pis:vars]',
    'ansible_user=pi',
    'ansible_become=true',
    `ansible_ssh_private_key_file=${privateKeyPath}`,
    'ansible_python_interpreter=/usr/bin/python3',
    '',
  ].join('\n');
}

export function renderAnsibleCfg(options: { forks: number; knownHostsPath: string }): string {
  return [
    '[defaults]',
    `forks = ${options.forks}`,
    'host_key_checking = True',
    'retry_files_enabled = False',
    'interpreter_python = /usr/bin/python3',
    'stdout_callback = default',
    '',
    '[ssh_connection]',
    'pipelining = True',
    // Ansible's own defaults (ControlMaster for 60 s), plus the pinned known_hosts file.
    `ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${options.knownHostsPath} -o StrictHostKeyChecking=yes`,
    '',
  ].join('\n');
}
