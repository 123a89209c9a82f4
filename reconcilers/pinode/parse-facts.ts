// Facts about a Pi from the sections of an observe blob. Every fact is optional: a simulated Pi
// (plain Debian) has no device tree, no vcgencmd and often no thermal zone.
import type { PiNodeFacts } from './pinode-types.ts';
import { sectionText, type Sections } from '../shared/parse-sections.ts';
import { decodeThrottled, parseThrottledLine } from './throttled.ts';
import { bootId as bootIdPattern } from '../../crds/patterns.ts';
import { parseHealthFacts, parseMeasureTemp } from './health-parse.ts';

function keyValues(text: string | undefined, separator: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = separator.exec(line);
    if (m?.index === undefined || m.index === 0) continue;
    const key = line.slice(0, m.index).trim();
    // First occurrence wins: /proc/cpuinfo repeats per-core keys.
    if (!out.has(key)) out.set(key, line.slice(m.index + m[0].length).trim());
  }
  return out;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m?.[2] ?? value;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

function firstNumber(text: string | undefined): number | undefined {
  const word = text?.split(/\s+/)[0];
  return word ? finite(Number(word)) : undefined;
}

function diskOf(text: string | undefined): { diskBytes?: number; diskFreeBytes?: number } {
  // POSIX `df -P -k`: header, then one line whose LAST five fields are numbers and mount point
  // (the device name may contain spaces).
  const line = text
    ?.split('\n')
    .slice(1)
    .find((l) => l.trim());
  const fields = line?.trim().split(/\s+/) ?? [];
  if (fields.length < 6) return {};
  const total = Number(fields[fields.length - 5]);
  const available = Number(fields[fields.length - 3]);
  const out: { diskBytes?: number; diskFreeBytes?: number } = {};
  if (Number.isFinite(total)) out.diskBytes = total * 1024;
  if (Number.isFinite(available)) out.diskFreeBytes = available * 1024;
  return out;
}

function memoryBytesOf(text: string | undefined): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text ?? '');
  return m?.[1] ? Number(m[1]) * 1024 : undefined;
}

/** Seconds since PID 1 started: kernel uptime minus PID 1's start (two lines: ticks, ticks per second). */
function uptimeOf(kernelUptime: number | undefined, initStart: string | undefined): number | undefined {
  if (kernelUptime === undefined) return undefined;
  const [ticks, perSecond] = (initStart ?? '').split('\n').map((l) => Number(l.trim()));
  const start = ticks !== undefined && perSecond !== undefined && Number.isFinite(ticks) && perSecond > 0 ? ticks / perSecond : 0;
  return Math.max(0, Math.floor(kernelUptime - start));
}

function cpusOf(sections: Sections, cpuinfo: string | undefined): number | undefined {
  const fromNproc = firstNumber(sectionText(sections, 'nproc'));
  if (fromNproc !== undefined && fromNproc > 0) return fromNproc;
  const processors = (cpuinfo ?? '').split('\n').filter((l) => /^processor\s*:/.test(l)).length;
  return processors > 0 ? processors : undefined;
}

export function parseFacts(sections: Sections): PiNodeFacts {
  const cpuinfoText = sectionText(sections, 'cpuinfo');
  const cpuinfo = keyValues(cpuinfoText, /\s*:\s*/);
  const osRelease = keyValues(sectionText(sections, 'os-release'), /=/);
  const facts: PiNodeFacts = {};

  const model = sectionText(sections, 'model') ?? cpuinfo.get('Model');
  if (model) facts.model = model;
  const serial = sectionText(sections, 'serial-number') ?? cpuinfo.get('Serial');
  if (serial) facts.serial = serial;
  const arch = sectionText(sections, 'arch');
  if (arch) facts.arch = arch;
  const os = osRelease.get('PRETTY_NAME') ?? osRelease.get('NAME');
  if (os) facts.os = unquote(os);
  const kernel = sectionText(sections, 'kernel');
  if (kernel) facts.kernel = kernel;
  const cpus = cpusOf(sections, cpuinfoText);
  if (cpus !== undefined) facts.cpus = cpus;
  const memoryBytes = memoryBytesOf(sectionText(sections, 'meminfo'));
  if (memoryBytes !== undefined) facts.memoryBytes = memoryBytes;
  Object.assign(facts, diskOf(sectionText(sections, 'df-root')));

  const milliCelsius = firstNumber(sectionText(sections, 'thermal'));
  if (milliCelsius !== undefined) facts.temperatureCelsius = milliCelsius / 1000;
  const throttled = parseThrottledLine(sectionText(sections, 'throttled') ?? '');
  if (throttled) {
    facts.throttled = throttled.hex;
    facts.throttledFlags = decodeThrottled(throttled.value);
  }
  const uptime = uptimeOf(firstNumber(sectionText(sections, 'uptime')), sectionText(sections, 'init-start'));
  if (uptime !== undefined) facts.uptimeSeconds = uptime;
  const bootId = sectionText(sections, 'boot-id')?.trim().toLowerCase();
  if (bootId && new RegExp(bootIdPattern).test(bootId)) facts.bootId = bootId;
  const load1 = firstNumber(sectionText(sections, 'loadavg'));
  if (load1 !== undefined) facts.load1 = load1;
  // Power and storage health (issue 21): the firmware's temperature where no thermal zone is exposed.
  const firmwareCelsius = parseMeasureTemp(sectionText(sections, 'health-measure-temp'));
  if (facts.temperatureCelsius === undefined && firmwareCelsius !== undefined) facts.temperatureCelsius = firmwareCelsius;
  const health = parseHealthFacts(sections);
  if (Object.keys(health).length > 0) facts.health = health;
  return facts;
}
