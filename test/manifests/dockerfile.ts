// Reads the Dockerfile and .dockerignore so the image tests follow what the image really
// does: which files it copies, how it installs dependencies, what it runs. Pure functions of
// the files' text; only the instructions this project's Dockerfile uses are understood.
export interface Instruction {
  keyword: string;
  /** Text after the keyword, continuation lines joined. */
  args: string;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Parses the stages; `ARG NAME=default` before the first FROM is substituted into FROM lines. */
export function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>();
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`cannot read Dockerfile line: ${line}`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.replace(/\s+/g, ' ').trim();
    if (keyword === 'ARG' && stages.length === 0) {
      const a = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
      if (!a) throw new Error(`cannot read ARG ${args}`);
      globalArgs.set(a[1]!, (a[2] ?? '').replace(/^"(.*)"$/, '$1'));
      continue;
    }
    if (keyword === 'FROM') {
      const substituted = args.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => {
        const value = globalArgs.get(name);
        if (value === undefined) throw new Error(`FROM uses undeclared ARG ${name}`);
        return value;
      });
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(substituted);
      if (!f) throw new Error(`cannot read FROM ${args}`);
      stages.push({ from: f[1]!, ...(f[2] ? { name: f[2] } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before FROM`);
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

export interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(' ');
      let from: string | undefined;
      while (words[0]?.startsWith('--')) {
        const flag = words.shift()!;
        if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
      }
      const dest = words.pop();
      if (!dest || words.length === 0) throw new Error(`cannot read COPY ${i.args}`);
      return { ...(from ? { from } : {}), sources: words, dest };
    });
}

/** The exec-form ENTRYPOINT of a stage, e.g. ["node", "bin/bramble.js", "run"]. */
export function entrypoint(stage: Stage): string[] {
  const e = stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (!e) throw new Error('no ENTRYPOINT');
  const parsed = JSON.parse(e.args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error('ENTRYPOINT must be exec form');
  return parsed as string[];
}

/** The numeric uid and gid a stage's last USER names (e.g. `USER 1000:1000`). */
export function numericUser(stage: Stage): { uid: number; gid: number } | undefined {
  const u = stage.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  const m = u ? /^(\d+)(?::(\d+))?$/.exec(u) : null;
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : undefined;
}

/** A stage's LABELs as a map (`LABEL a="x" b=y`, continuation lines joined). */
export function labels(stage: Stage): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of stage.instructions.filter((x) => x.keyword === 'LABEL')) {
    for (const m of i.args.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) out.set(m[1]!, m[2] ?? m[3]!);
  }
  return out;
}

/** The `npm ...` commands a stage's RUN instructions contain, split into argv. */
export function npmCommands(stage: Stage): string[][] {
  return stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) => i.args.split('&&').map((part) => part.trim()))
    .filter((cmd) => cmd.startsWith('npm '))
    .map((cmd) => cmd.split(' '));
}

/** A .dockerignore matcher for the patterns Docker documents: *, ?, **, and directory prefixes. */
export function dockerignore(text: string): (relativePath: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('negated .dockerignore patterns are not supported here');
  const regexes = patterns.map((p) => {
    const body = p
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .map((part) => {
        if (part === '**') return '(?:.*)';
        return part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]');
      })
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (relativePath) => regexes.some((r) => r.test(relativePath));
}
