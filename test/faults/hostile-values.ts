// The battery of hostile values the hostile-input test feeds into every identifier-like field.
// Each payload is built around a marker unique to the run ("pwn-<hex>"), so that if any of them
// ever ran on a Pi, the file it touches or the journal line it leaves can be searched for.
// Values come in three shapes: the payload alone, the payload after a valid value (so a pattern
// anchored only at the start cannot let it through), and a transformation of the valid value
// (a leading "-", a look-alike letter, fullwidth forms, a length past every bound).

export type Category =
  | 'command-substitution'
  | 'quote'
  | 'newline'
  | 'control'
  | 'option'
  | 'traversal'
  | 'overlong'
  | 'lookalike'
  | 'glob'
  | 'metacharacter'
  | 'space'
  | 'empty'
  | 'apt-modifier';

export interface HostileValue {
  /** Short label for messages, e.g. "suffix:cmdsubst". */
  label: string;
  category: Category;
  value: string;
}

interface Payload {
  label: string;
  category: Category;
  text: string;
  /** Where it goes: alone, after a valid value, or both. */
  shape: 'bare' | 'suffix' | 'both';
}

// Longer than the longest maxLength of any bramble field (8192, an SSH public key line).
export const OVERLONG = 10_000;

function payloads(marker: string): Payload[] {
  const touch = `touch /tmp/${marker}`;
  return [
    { label: 'cmdsubst', category: 'command-substitution', text: `$(${touch})`, shape: 'both' },
    { label: 'backticks', category: 'command-substitution', text: `\`${touch}\``, shape: 'both' },
    { label: 'ifs', category: 'command-substitution', text: `\${IFS}touch\${IFS}/tmp/${marker}`, shape: 'both' },
    { label: 'semicolon', category: 'metacharacter', text: `;${touch}`, shape: 'both' },
    { label: 'pipe', category: 'metacharacter', text: `|${touch}`, shape: 'both' },
    { label: 'and', category: 'metacharacter', text: `&&${touch}`, shape: 'both' },
    { label: 'background', category: 'metacharacter', text: `&${touch}`, shape: 'suffix' },
    { label: 'redirect-out', category: 'metacharacter', text: `>/tmp/${marker}`, shape: 'both' },
    { label: 'redirect-in', category: 'metacharacter', text: '</etc/shadow', shape: 'suffix' },
    { label: 'hash', category: 'metacharacter', text: '#', shape: 'suffix' },
    { label: 'bang', category: 'metacharacter', text: '!', shape: 'suffix' },
    { label: 'backslash', category: 'quote', text: '\\', shape: 'suffix' },
    { label: 'single-quote', category: 'quote', text: "'", shape: 'both' },
    { label: 'single-quote-break', category: 'quote', text: `';${touch};'`, shape: 'suffix' },
    { label: 'double-quote', category: 'quote', text: '"', shape: 'both' },
    { label: 'double-quote-subst', category: 'quote', text: `"$(${touch})"`, shape: 'bare' },
    { label: 'newline-command', category: 'newline', text: `\n${touch}`, shape: 'suffix' },
    { label: 'trailing-newline', category: 'newline', text: '\n', shape: 'suffix' },
    { label: 'cr-command', category: 'newline', text: `\r${touch}`, shape: 'suffix' },
    { label: 'crlf', category: 'newline', text: '\r\n', shape: 'suffix' },
    { label: 'nul', category: 'control', text: `\u0000${touch}`, shape: 'suffix' },
    { label: 'bell', category: 'control', text: '\u0007', shape: 'suffix' },
    { label: 'escape-sequence', category: 'control', text: '\u001b[2J', shape: 'suffix' },
    { label: 'del', category: 'control', text: '\u007f', shape: 'suffix' },
    { label: 'tab', category: 'control', text: '\t', shape: 'suffix' },
    { label: 'proxycommand', category: 'option', text: `-oProxyCommand=${touch}`, shape: 'bare' },
    { label: 'help', category: 'option', text: '--help', shape: 'bare' },
    { label: 'dash', category: 'option', text: '-', shape: 'bare' },
    { label: 'double-dash', category: 'option', text: '--', shape: 'bare' },
    { label: 'rf', category: 'option', text: '-rf', shape: 'bare' },
    { label: 'dotdot-shadow', category: 'traversal', text: '../../etc/shadow', shape: 'bare' },
    { label: 'etc-dotdot-root', category: 'traversal', text: '/etc/../root', shape: 'bare' },
    { label: 'dotdot', category: 'traversal', text: '..', shape: 'bare' },
    { label: 'dotdot-suffix', category: 'traversal', text: '/../../etc/shadow', shape: 'suffix' },
    { label: 'cyrillic-a', category: 'lookalike', text: '\u0430', shape: 'suffix' },
    { label: 'zero-width-space', category: 'lookalike', text: '\u200b', shape: 'suffix' },
    { label: 'rtl-override', category: 'lookalike', text: '\u202e', shape: 'suffix' },
    { label: 'nbsp', category: 'lookalike', text: '\u00a0', shape: 'suffix' },
    { label: 'star', category: 'glob', text: '*', shape: 'both' },
    { label: 'question', category: 'glob', text: '?', shape: 'suffix' },
    { label: 'bracket', category: 'glob', text: '[a-z]', shape: 'suffix' },
    { label: 'brace', category: 'glob', text: '{a,b}', shape: 'suffix' },
    { label: 'tilde', category: 'glob', text: '~', shape: 'both' },
    { label: 'inner-space', category: 'space', text: ` ${touch}`, shape: 'suffix' },
    { label: 'trailing-space', category: 'space', text: ' ', shape: 'suffix' },
    { label: 'empty', category: 'empty', text: '', shape: 'bare' },
  ];
}

const cyrillic: Record<string, string> = {
  a: '\u0430',
  e: '\u0435',
  o: '\u043e',
  p: '\u0440',
  c: '\u0441',
  x: '\u0445',
  i: '\u0456',
  s: '\u0455',
};

/** The valid value with its first look-alike-able Latin letter swapped for a Cyrillic one. */
function homoglyph(valid: string): string {
  const i = [...valid].findIndex((ch) => cyrillic[ch] !== undefined);
  if (i < 0) return `${valid}\u0430`;
  const chars = [...valid];
  chars[i] = cyrillic[chars[i] as string] as string;
  return chars.join('');
}

/** The valid value in fullwidth forms (U+FF01–FF5E), which look like ASCII on most screens. */
function fullwidth(valid: string): string {
  return [...valid].map((ch) => (ch >= '!' && ch <= '~' ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');
}

/** Every hostile value for a field whose valid value is `valid`, without duplicates. */
export function hostileValues(marker: string, valid: string): HostileValue[] {
  const out: HostileValue[] = [];
  for (const p of payloads(marker)) {
    if (p.shape !== 'suffix') out.push({ label: `bare:${p.label}`, category: p.category, value: p.text });
    if (p.shape !== 'bare') out.push({ label: `suffix:${p.label}`, category: p.category, value: `${valid}${p.text}` });
  }
  out.push(
    { label: 'leading-dash', category: 'option', value: `-${valid}` },
    { label: 'leading-double-dash', category: 'option', value: `--${valid}` },
    { label: 'leading-space', category: 'space', value: ` ${valid}` },
    { label: 'homoglyph', category: 'lookalike', value: homoglyph(valid) },
    { label: 'fullwidth', category: 'lookalike', value: fullwidth(valid) },
    { label: 'overlong', category: 'overlong', value: `${valid}${'a'.repeat(OVERLONG)}` },
  );
  const seen = new Set<string>();
  return out.filter((v) => (seen.has(v.value) ? false : (seen.add(v.value), true)));
}
