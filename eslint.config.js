// Lint rules: typescript-eslint's recommended set, plus the few rules that catch the
// mistakes an operator cannot afford (floating promises lose errors; unused code rots).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The kinds' folders under reconcilers/: none imports another. */
const kinds = ['gluster', 'minio', 'pinode', 'slurm'];
const kindFolders = kinds.map((k) => `reconcilers/${k}`);
// Tests, test support and benchmarks compose (as cli/ does), so they may reach across layers.
const notForRules = ['**/*.test.ts', '**/*.test-support.ts', '**/*.bench.ts'];

/** An import path that reaches `folder` (from the root, e.g. "reconcilers/slurm") by going up or across. */
function reaching(folder) {
  const [top, sub] = folder.split('/');
  // A folder of reconcilers/ is reached as "./shared/" from contract.ts, "../slurm/" from a sibling.
  if (sub) return `^(\\./|(\\.\\./)+)(${top}\\/)?${sub}\\/`;
  return `^(\\.\\./)+${top}(\\/|\\.ts$)`;
}

/**
 * One `no-restricted-imports` block per layer: files matching `glob` may not import anything
 * under the listed folders (paths from the repository root).
 */
function layers(rules) {
  return rules.map(([glob, forbidden]) => ({
    files: [glob.endsWith('.ts') ? glob : `${glob}/*.ts`],
    ignores: notForRules,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((folder) => ({
            regex: reaching(folder),
            message: `${glob.replace('/**', '/')} may not import ${folder}/ (the one-way dependency rule in ARCHITECTURE.md).`,
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test/fleet/.cache/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // The one-way dependency rule (ARCHITECTURE.md): each folder imports only the folders below it,
  // so a reconciler can be read, tested and previewed without the runtime that drives it. Tests,
  // test support and benchmarks may reach further (they compose, as cli/ does).
  ...layers([
    ['ssh/**', ['controllers', 'cli', 'controlplane', 'crds', 'metrics', 'reconcilers']],
    ['metrics/**', ['controllers', 'cli', 'controlplane', 'reconcilers', 'ssh']],
    ['controlplane/**', ['controllers', 'cli', 'reconcilers', 'ssh', 'metrics']],
    ['crds/**', ['controllers', 'cli', 'reconcilers', 'ssh', 'metrics']],
    ['controllers/**', ['cli', 'controlplane', 'reconcilers/shared', ...kindFolders]],
    ['reconcilers/contract.ts', ['controllers', 'cli', 'controlplane', 'reconcilers/shared', ...kindFolders]],
    ['reconcilers/shared/**', ['controllers', 'cli', 'controlplane', ...kindFolders]],
    ...kinds.map((kind) => [
      `reconcilers/${kind}/**`,
      ['controllers', 'cli', 'controlplane', ...kindFolders.filter((f) => f !== `reconcilers/${kind}`)],
    ]),
  ]),
  {
    // node:test's test() returns a promise the runner itself awaits.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
