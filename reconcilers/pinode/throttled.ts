// `vcgencmd get_throttled` packs the firmware's power and thermal state into one bit field:
// bits 0-3 describe now, bits 16-19 the same conditions at any time since boot.

export const throttledFlagNames = [
  'under-voltage-now',
  'frequency-capped-now',
  'throttled-now',
  'soft-temp-limit-now',
  'under-voltage-occurred',
  'frequency-capped-occurred',
  'throttled-occurred',
  'soft-temp-limit-occurred',
] as const;

export type ThrottledFlag = (typeof throttledFlagNames)[number];

const bitOf: Record<ThrottledFlag, number> = {
  'under-voltage-now': 0,
  'frequency-capped-now': 1,
  'throttled-now': 2,
  'soft-temp-limit-now': 3,
  'under-voltage-occurred': 16,
  'frequency-capped-occurred': 17,
  'throttled-occurred': 18,
  'soft-temp-limit-occurred': 19,
};

export function decodeThrottled(value: number): ThrottledFlag[] {
  return throttledFlagNames.filter((flag) => (value >>> bitOf[flag]) & 1);
}

/** "throttled=0x50005" → { hex: "0x50005", value: 327685 }; undefined for anything else. */
export function parseThrottledLine(line: string): { hex: string; value: number } | undefined {
  const m = /throttled=(0x[0-9a-f]+)/i.exec(line);
  if (!m?.[1]) return undefined;
  const value = Number.parseInt(m[1].slice(2), 16);
  return Number.isFinite(value) ? { hex: `0x${value.toString(16)}`, value } : undefined;
}
