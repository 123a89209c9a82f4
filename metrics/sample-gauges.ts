// Gauges whose values are computed at scrape time from a list of samples (e.g. every PiNode's
// status in the informer cache). Reading the cache on scrape keeps the metrics level-based: a
// deleted object's series disappear with it, and nothing has to be updated on each reconcile.
import { Gauge, type Registry } from 'prom-client';

export interface GaugeSample {
  name: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

export interface SampleGaugeFamily {
  name: string;
  help: string;
  labelNames: readonly string[];
}

/** Registers one gauge per family, filled on each scrape from `samples()`. */
export function registerSampleGauges(
  registry: Registry,
  families: readonly SampleGaugeFamily[],
  samples: () => readonly GaugeSample[],
): void {
  for (const family of families) {
    new Gauge({
      name: family.name,
      help: family.help,
      labelNames: [...family.labelNames],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of samples()) if (s.name === family.name) this.set(s.labels, s.value);
      },
    });
  }
}
