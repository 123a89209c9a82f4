// Properties of the patterns that guard every value reaching a Pi: they run in RE2, they accept
// what real clusters use, and no string with a shell metacharacter, whitespace or quote gets
// through any of the shell-facing ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as patterns from './patterns.ts';
import { re2Incompatibility } from '../controlplane/schema/structural.ts';

const re = (p: string) => new RegExp(p, 'u');

/** Patterns for values that end up in a command line, a config file or a path on a Pi. */
const shellFacing: Record<string, string> = {
  dnsLabel: patterns.dnsLabel,
  dnsSubdomain: patterns.dnsSubdomain,
  dnsName: patterns.dnsName,
  posixName: patterns.posixName,
  absolutePath: patterns.absolutePath,
  debianPackage: patterns.debianPackage,
  ianaTimezone: patterns.ianaTimezone,
  sshPublicKey: patterns.sshPublicKey,
  slurmClusterName: patterns.slurmClusterName,
  slurmTime: patterns.slurmTime,
  slurmConfKey: patterns.slurmConfKey,
  slurmConfValue: patterns.slurmConfValue,
  glusterOptionKey: patterns.glusterOptionKey,
  glusterOptionValue: patterns.glusterOptionValue,
  glusterVolumeName: patterns.glusterVolumeName,
  downloadUrl: patterns.downloadUrl,
  sha256Hex: patterns.sha256Hex,
};

void test('every exported pattern compiles and is valid RE2', () => {
  for (const [name, value] of Object.entries(patterns)) {
    if (typeof value !== 'string') continue;
    assert.equal(re2Incompatibility(value), undefined, name);
  }
});

void test('no shell-facing pattern admits a shell metacharacter, whitespace, quote or control character', () => {
  const dangerous = [';', '&', '|', '$', '`', '(', ')', '<', '>', '"', "'", '\\', ' ', '\t', '\n', '\r', '\0', '!', '{', '}', '#', '~'];
  for (const [name, p] of Object.entries(shellFacing)) {
    const allowsTilde = name === 'downloadUrl';
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...dangerous.filter((c) => !(allowsTilde && c === '~'))), fc.string(), (a, bad, b) => {
        // The ssh key comment and nothing else may hold a single space.
        if (name === 'sshPublicKey' && bad === ' ') return true;
        return !re(p).test(`${a}${bad}${b}`);
      }),
      { numRuns: 300 },
    );
  }
});

void test('paths never hold "..", never end in "/" and are always absolute', () => {
  const path = re(patterns.absolutePath);
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => !path.test(`${a}..${b}`)),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string(), (a) => !path.test(`${a}/`)),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string(), (a) => a.startsWith('/') || !path.test(a)),
    { numRuns: 300 },
  );
  for (const ok of ['/srv/gluster', '/mnt/usb-1/brick_a', '/var/lib/minio/disk1', '/bin/bash', '/opt/v1.2.3']) assert.ok(path.test(ok), ok);
});

void test('nothing shell-facing can start with "-" (option injection)', () => {
  for (const [name, p] of Object.entries(shellFacing)) {
    fc.assert(
      fc.property(fc.string(), (a) => !re(p).test(`-${a}`) && !re(p).test(`--${a}`)),
      { numRuns: 200, examples: [['rf']] },
    );
    assert.ok(!re(p).test('--option'), name);
  }
});

void test('no package name ends in "-", which apt-get install reads as "remove this package"', () => {
  const pkg = re(patterns.debianPackage);
  for (const bad of ['openssh-server-', 'htop-', 'a-', 'g++-']) assert.ok(!pkg.test(bad), bad);
  fc.assert(
    fc.property(fc.string(), (a) => !pkg.test(`${a}-`)),
    { numRuns: 300 },
  );
});

void test('generated RFC 1123 labels pass as hostnames and as addresses when they hold a letter', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
  fc.assert(fc.property(label, (l) => re(patterns.dnsLabel).test(l)));
  fc.assert(
    fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
      const name = labels.join('.');
      const last = labels[labels.length - 1] ?? '';
      return re(patterns.dnsName).test(name) === /[a-z]/.test(last);
    }),
  );
});

void test('realistic values pass', () => {
  const accept: [string, string[]][] = [
    [patterns.posixName, ['pi', 'alice', '_apt', 'minio-user', 'slurm']],
    [patterns.debianPackage, ['htop', 'g++', 'libc6-dev', 'glusterfs-server', 'python3.11']],
    [patterns.ianaTimezone, ['UTC', 'Europe/London', 'America/Argentina/Buenos_Aires', 'Etc/GMT-1', 'America/Port-au-Prince']],
    [patterns.slurmTime, ['UNLIMITED', '60', '1:00:00', '2-00:00:00', '7-12']],
    [patterns.slurmConfValue, ['sched/backfill', 'CR_Core_Memory', 'bf_continue,max_job_test=100', '/var/log/slurm/%n.log']],
    [patterns.glusterOptionKey, ['performance.cache-size', 'cluster.quorum-type', 'auth.allow']],
    [patterns.glusterOptionValue, ['64MB', 'on', 'auto', '10.0.0.*', '10.0.0.1,10.0.0.2']],
    [
      patterns.downloadUrl,
      [
        'https://dl.min.io/server/minio/release/linux-arm64/minio',
        'http://10.0.0.1:8080/minio',
        'https://mirror.lan/minio.RELEASE.2024-01-01T00-00-00Z',
      ],
    ],
    [
      patterns.sshPublicKey,
      [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhMQdMaJ2G7kAcPgtcvMYrZfL+a30s6e2qHiPWia/x4',
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ4cvCiIZ/yoin9V1DLq+ScYB22xFW86E2zYaOeTizq alice@laptop',
      ],
    ],
    [patterns.throttledHex, ['0x0', '0x50005', '0xe0000']],
  ];
  for (const [p, values] of accept) for (const v of values) assert.ok(re(p).test(v), `${p} accepts ${v}`);
});
