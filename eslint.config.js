// Lint rules from ../shared/STYLE.md. The important part is the last block:
// system/ logic may reach time, randomness, sockets, SQLite and crypto only
// through the seams in system/core (Clock, Random, Transport, Store), so the
// simulation can drive it. Adapters that bind the seams are the exceptions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const rawGlobals = [
  { name: 'setTimeout', message: 'Use the Clock seam (system/core/clock.ts).' },
  { name: 'setInterval', message: 'Use the Clock seam (system/core/clock.ts).' },
  { name: 'setImmediate', message: 'Use the Clock seam (system/core/clock.ts).' },
  { name: 'clearTimeout', message: 'Use the Clock seam (system/core/clock.ts).' },
  { name: 'clearInterval', message: 'Use the Clock seam (system/core/clock.ts).' },
  { name: 'performance', message: 'Use Clock.monotonic().' },
];
const rawProperties = [
  { object: 'Date', property: 'now', message: 'Use Clock.now().' },
  { object: 'Math', property: 'random', message: 'Use the Random seam (system/core/random.ts).' },
  { object: 'crypto', property: 'randomUUID', message: 'Use the Random seam.' },
  { object: 'crypto', property: 'getRandomValues', message: 'Use the Random seam.' },
  { object: 'performance', property: 'now', message: 'Use Clock.monotonic().' },
];
const rawImports = {
  paths: [
    { name: 'ws', message: 'Use the Transport seam; ws lives in system/transport/.' },
    { name: 'better-sqlite3', message: 'Use the Store seam; SQLite lives in system/store/sqlite-store.ts and sqlite-schema.ts.' },
    { name: 'node:crypto', message: 'Use Random or system/core/crypto.ts.' },
    { name: 'crypto', message: 'Use Random or system/core/crypto.ts.' },
    { name: 'node:timers', message: 'Use the Clock seam.' },
    { name: 'node:timers/promises', message: 'Use the Clock seam.' },
    { name: 'node:net', message: 'Use the Transport seam.' },
    { name: 'node:http', message: 'Use the Transport seam.' },
  ],
  patterns: [{ group: ['**/harness/**', 'harness/*'], message: 'system/ never imports harness/.' }],
};

// harness/ reaches system/ only through each folder's index.ts (system/<folder>/index.ts):
// the index is the folder's public surface, so system/ can move its files freely.
const systemViaIndex = {
  regex: '(^|/)system/[a-z-]+/(?!index\\.js$)',
  message: "harness/ imports system/ only through system/<folder>/index.ts; export what you need there.",
};
// Harness folders in layers, lowest first; a folder never imports a later one, so no
// folder cycle can come back.
// live/ui sits between live and cli.
const HARNESS_LAYERS = ['proc', 'proxy', 'check', 'report', 'sim', 'scenario', 'live', 'cli'];
const harnessBlocks = HARNESS_LAYERS.map((folder, i) => {
  const above = HARNESS_LAYERS.slice(i + 1);
  const patterns = [systemViaIndex];
  if (above.length > 0) {
    patterns.push({
      regex: `^(\\.\\./)+(${above.join('|')})/`,
      message: `harness/${folder} sits below ${above.join(', ')} (eslint.config.js HARNESS_LAYERS); move shared code down instead.`,
    });
  }
  if (folder === 'live') patterns.push({ regex: '^\\./ui/', message: 'harness/live sits below harness/live/ui.' });
  return {
    files: [`harness/${folder}/**/*.ts`],
    ignores: ['harness/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', 'dist/**', '.clinic/**', 'bin/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: 6 }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Adapters (listed in the ignores above) may use raw IO, but never the harness.
    files: ['system/core/**/*.ts', 'system/transport/**/*.ts', 'system/store/**/*.ts', 'system/cli/**/*.ts', 'system/tasks/**/*.ts'],
    ignores: ['system/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/harness/**', 'harness/*'], message: 'system/ never imports harness/.' }] },
      ],
    },
  },
  {
    // system/ logic: no raw IO, time or randomness; no harness imports.
    files: ['system/**/*.ts'],
    ignores: [
      'system/core/clock.ts',
      'system/core/random.ts',
      'system/core/crypto.ts',
      'system/core/cpu.ts',
      'system/transport/**',
      'system/store/sqlite-store.ts',
      'system/store/sqlite-schema.ts',
      'system/cli/**',
      'system/**/*.test.ts',
    ],
    rules: {
      'no-restricted-globals': ['error', ...rawGlobals],
      'no-restricted-properties': ['error', ...rawProperties],
      'no-restricted-imports': ['error', rawImports],
    },
  },
  {
    // system/: no mutable module-level binding (session 33: child-spawn.ts's routed spawn hook, set by the
    // harness around one call). State a process owns goes through its deps, as Clock and Random do: a module
    // is shared by every process a simulation runs and by every run in one test process.
    files: ['system/**/*.ts'],
    ignores: ['system/**/*.test.ts', 'system/**/testing.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Program > VariableDeclaration', 'Program > ExportNamedDeclaration > VariableDeclaration'].map((at) => ({
          selector: `${at}[kind!='const']`,
          message: 'No mutable module-level binding in system/: a module is shared by every simulated process. Pass it through the deps (a seam, as Clock, Random and spawn are).',
        })),
      ],
    },
  },
  ...harnessBlocks,
  {
    // harness/ root files (version.ts) and scripts/: system/ only through its index files.
    files: ['harness/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [systemViaIndex] }] },
  },
  {
    // Dashboard pages (plain browser ES modules served as they are, no build step).
    files: ['**/ui/assets/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'fetch', 'setTimeout', 'clearTimeout', 'AbortController', 'TextDecoderStream', 'Node', 'console', 'URLSearchParams', 'Date', 'requestAnimationFrame'].map((g) => [g, 'readonly']),
      ),
    },
  },
);
