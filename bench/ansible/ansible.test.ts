import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecap } from './recap.ts';
import { renderAnsibleCfg, renderInventory } from './inventory.ts';

test('parseRecap sums the per-host counters of the last recap', () => {
  const out = [
    'TASK [Users] ***',
    'PLAY RECAP *********************************************************************',
    'pi0                        : ok=7    changed=6    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
    'pi1                        : ok=6    changed=0    unreachable=1    failed=1    skipped=0    rescued=0    ignored=0   ',
    '',
  ].join('\n');
  assert.deepEqual(parseRecap(out), { hosts: 2, ok: 13, changed: 6, unreachable: 1, failed: 1 });
  assert.throws(() => parseRecap('ERROR! the playbook could not be found'), /no PLAY RECAP/);
});

test('the inventory names every Pi with become and the key; the config pins host keys', () => {
  const inv = renderInventory([{ name: 'pi0', address: '10.1.2.10', hostname: 'pi0-bench' }], 'keys/client');
  assert.match(inv, /^pi0 ansible_host=10\.1\.2\.10 pi_hostname=pi0-bench$/m);
  assert.match(inv, /^ansible_user=pi$/m);
  assert.match(inv, /^ansible_become=true$/m);
  assert.match(inv, /^ansible_ssh_private_key_file=keys\/client$/m);
  const cfg = renderAnsibleCfg({ forks: 20, knownHostsPath: 'kh' });
  assert.match(cfg, /^forks = 20$/m);
  assert.match(cfg, /^host_key_checking = True$/m);
  assert.match(cfg, /^pipelining = True$/m);
  assert.match(cfg, /UserKnownHostsFile=kh -o StrictHostKeyChecking=yes/);
});
