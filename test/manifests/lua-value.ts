// JSON value → Lua table constructor, so the health-check harness can hand Argo CD's `obj` to
// a real Lua interpreter exactly as Argo CD's gopher-lua sees it (null fields are absent).
export function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot express ${value} in Lua`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `[${luaString(k)}] = ${toLua(v)}`);
    return `{${fields.join(', ')}}`;
  }
  throw new Error(`cannot express ${typeof value} in Lua`);
}

function luaString(s: string): string {
  // JSON's escapes are Lua's too, except \uXXXX, which Lua 5.3+ spells \u{XXXX}.
  return JSON.stringify(s).replace(/\\u([0-9a-fA-F]{4})/g, '\\u{$1}');
}
