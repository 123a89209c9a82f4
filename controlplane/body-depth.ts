// How deeply a request body nests, measured on its text before it is parsed: kube-apiserver
// refuses bodies nested beyond a limit with 400, and so does this server, because every step
// after parsing (patching, pruning, validation, managed fields) walks objects recursively and a
// body 400,000 levels deep would otherwise exhaust the stack or the heap (the YAML parser itself
// runs out of memory on one). The scans are iterative and allocate nothing per level.
import { CST, Lexer } from 'yaml';

/**
 * kube-apiserver allows 10,000 levels (k8s.io/apimachinery/pkg/util/json). The recursive walks
 * here stay well inside the stack at 1,000; real objects nest a few dozen levels at most.
 */
export const MAX_NESTING_DEPTH = 1000;

/** Whether JSON text nests objects/arrays deeper than `max` (strings are skipped exactly). */
export function jsonDepthExceeds(text: string, max = MAX_NESTING_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Whether YAML text may nest deeper than `max`. Flow collections are counted exactly from the
 * YAML lexer's tokens (which skips quoted and block scalars); block nesting is bounded from
 * above by each line's indentation (a level needs at least one more column, two levels at most
 * share one) plus the indicators (`-`, `?`, `:`) on the line.
 */
export function yamlDepthExceeds(text: string, max = MAX_NESTING_DEPTH): boolean {
  let flow = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (type === 'space' && lineStart) indent = token.length;
    lineStart = false;
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') indicators++;
    if (flow + 2 * indent + indicators > max) return true;
  }
  return false;
}
