// Installs the health STAND-IN (this folder's README) into one simulated Pi: the vcgencmd
// stand-in, its control script, the recordings, and the systemd unit that bind-mounts the
// recorded thermal zone over /sys/class/thermal at every boot. Written to the node's own disk,
// never to the shared fleet image, so no other test's Pi changes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** Runs a shell command inside the Pi as root and returns its stdout (E2eEnvironment.onNode). */
export type RunOnNode = (command: string) => Promise<string>;

function writeCommand(path: string, content: Buffer, mode: string): string {
  return `mkdir -p "$(dirname ${path})" && echo ${content.toString('base64')} | base64 -d > ${path} && chmod ${mode} ${path}`;
}

export async function installHealthStandin(run: RunOnNode, recording: string): Promise<void> {
  const files: [string, Buffer, string][] = [
    ['/usr/local/bin/vcgencmd', readFileSync(join(here, 'vcgencmd')), '0755'],
    ['/usr/local/sbin/bramble-health-standin', readFileSync(join(here, 'bramble-health-standin')), '0755'],
    ['/etc/systemd/system/bramble-health-standin.service', readFileSync(join(here, 'bramble-health-standin.service')), '0644'],
  ];
  for (const name of readdirSync(join(here, 'recordings'))) {
    for (const file of readdirSync(join(here, 'recordings', name))) {
      files.push([
        `/var/lib/bramble-health-standin/recordings/${name}/${file}`,
        readFileSync(join(here, 'recordings', name, file)),
        '0644',
      ]);
    }
  }
  await run(files.map(([path, content, mode]) => writeCommand(path, content, mode)).join(' && '));
  await useRecording(run, recording);
  await run('systemctl daemon-reload && systemctl enable --now bramble-health-standin.service');
}

/** Makes the stand-in serve another recording (takes effect at the next observe). */
export async function useRecording(run: RunOnNode, recording: string): Promise<void> {
  await run(`/usr/local/sbin/bramble-health-standin use ${recording}`);
}
