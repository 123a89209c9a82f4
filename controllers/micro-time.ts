// metav1.MicroTime: RFC 3339 with exactly six fractional digits. The API server rejects Lease
// and events.k8s.io Event times in any other form.

export function toMicroTime(ms: number | Date): string {
  const d = typeof ms === 'number' ? new Date(ms) : ms;
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function parseMicroTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
