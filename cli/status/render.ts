// Pure: every bramble resource as a readable roll-up — per object its Ready condition, the other
// conditions, the steps still pending, and its last Events — with a count per kind on top.
export interface StatusCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface StatusObject {
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
  status?: { conditions?: StatusCondition[]; pendingSteps?: { name: string; description: string }[] };
}

export interface StatusEvent {
  type: string;
  reason: string;
  note?: string;
  eventTime?: string;
  series?: { count: number; lastObservedTime: string };
  metadata: { creationTimestamp?: string };
  regarding?: { kind?: string; name?: string; namespace?: string };
}

export interface RenderOptions {
  now: Date;
  /** Events shown per object, newest first. */
  eventsPerObject?: number;
}

/** "3s", "5m", "2h", "4d" — kubectl's AGE style. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '?';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

const when = (e: StatusEvent): string | undefined => e.series?.lastObservedTime ?? e.eventTime ?? e.metadata.creationTimestamp;
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

function objectBlock(o: StatusObject, events: StatusEvent[], options: RenderOptions): string[] {
  const conditions = o.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const head = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const readyText = ready ? `Ready=${ready.status} ${ready.reason}` : 'Ready=? (not reconciled yet)';
  const lines = [`${head.padEnd(44)} ${readyText}   age ${age(o.metadata.creationTimestamp, options.now)}`];
  if (ready && ready.status !== 'True' && ready.message) lines.push(`    ${oneLine(ready.message)}`);
  const others = conditions.filter((c) => c.type !== 'Ready');
  if (others.length > 0)
    lines.push(`  conditions: ${others.map((c) => `${c.type}=${c.status}${c.status === 'True' ? '' : ` (${c.reason})`}`).join(', ')}`);
  for (const c of others.filter((x) => x.status === 'False' || (x.type === 'Stalled' && x.status === 'True'))) {
    if (c.message) lines.push(`    ${c.type}: ${oneLine(c.message)}`);
  }
  const pending = o.status?.pendingSteps ?? [];
  if (pending.length > 0) {
    lines.push(`  pending (${pending.length}):`);
    for (const step of pending) lines.push(`    ${step.name}: ${oneLine(step.description)}`);
  }
  const mine = events
    .filter(
      (e) =>
        e.regarding?.kind === o.kind &&
        e.regarding.name === o.metadata.name &&
        (e.regarding.namespace ?? '') === (o.metadata.namespace ?? ''),
    )
    .sort((a, b) => Date.parse(when(b) ?? '') - Date.parse(when(a) ?? ''))
    .slice(0, options.eventsPerObject ?? 3);
  if (mine.length > 0) {
    lines.push('  last events:');
    for (const e of mine) {
      const times = e.series && e.series.count > 1 ? ` (x${e.series.count})` : '';
      lines.push(`    ${age(when(e), options.now).padStart(4)} ${e.type.padEnd(7)} ${e.reason}${times}: ${oneLine(e.note ?? '')}`);
    }
  }
  return lines;
}

/** The roll-up of `objects` (every kind, in the order given) with their events. */
export function renderStatus(objects: StatusObject[], events: StatusEvent[], options: RenderOptions): string {
  if (objects.length === 0) return 'No bramble resources (PiNode, SlurmPartition, GlusterVolume, MinioPool) found.\n';
  const kinds = [...new Set(objects.map((o) => o.kind))];
  const summary = kinds.map((kind) => {
    const of = objects.filter((o) => o.kind === kind);
    const ready = of.filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    return `${kind}: ${ready}/${of.length} Ready`;
  });
  const blocks = objects.map((o) => objectBlock(o, events, options).join('\n'));
  return `${summary.join('   ')}\n\n${blocks.join('\n\n')}\n`;
}
