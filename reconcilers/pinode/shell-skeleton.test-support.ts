// Test support: what a POSIX shell would treat as code in a command, with the contents of every
// single-quoted word removed. If a value only ever appears inside single quotes, the skeleton of
// a command is the same whatever the value is.
export function shellSkeleton(command: string): string {
  let out = '';
  let state: 'plain' | 'single' | 'double' = 'plain';
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (state === 'single') {
      if (c === "'") {
        state = 'plain';
        out += "'";
      }
      continue;
    }
    if (c === '\\') {
      out += c + (command[i + 1] ?? '');
      i++;
      continue;
    }
    if (state === 'plain' && c === "'") state = 'single';
    else if (c === '"') state = state === 'double' ? 'plain' : 'double';
    out += c;
  }
  return out;
}
