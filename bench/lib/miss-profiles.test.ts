import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profiler } from 'node:inspector';
import { phasesOfMisses, reportProfiles } from './miss-profiles.ts';
import type { Target } from './summary.ts';

const target = (name: string, met: boolean, phase: Target['phase'], value = 1): Target => ({
  name,
  value,
  limit: 1,
  unit: 'ms',
  met,
  figures: '',
  phase,
});

void test('only the phases of missed targets with a figure are profiled, each once', () => {
  const targets = [
    target('converge CPU', false, 'converge'),
    target('converge / pdsh', false, 'converge'),
    target('no-change CPU', true, 'resync'),
    target('converge / Ansible', false, 'converge', Number.NaN),
    target('event p99', false, 'event'),
  ];
  assert.deepEqual(phasesOfMisses(targets), ['converge', 'event']);
  assert.deepEqual(phasesOfMisses([target('met', true, 'event')]), []);
});

void test('each profile is written as a .cpuprofile and its top functions are printed with the misses they explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-miss-profiles-'));
  try {
    const frame = (functionName: string) => ({
      functionName,
      scriptId: '0',
      url: 'file:///r/controllers/work-queue.ts',
      lineNumber: 9,
      columnNumber: 0,
    });
    const profile: Profiler.Profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('drain') },
      ],
      startTime: 0,
      endTime: 3000,
      samples: [2, 2, 1],
      timeDeltas: [1000, 1000, 1000],
    };
    const lines = reportProfiles(dir, 'profile-5pis', { event: profile }, [target('event p99', false, 'event')]);
    assert.deepEqual(readdirSync(dir), ['profile-5pis-event.cpuprofile']);
    assert.equal(
      lines[0],
      'profile of the event phase (missed: event p99), 3 busy samples of 1 ms, bench/results/profile-5pis-event.cpuprofile:',
    );
    assert.match(lines[1] ?? '', /66\.7% {2}drain {2}controllers\/work-queue\.ts:10/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
