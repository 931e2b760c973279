// ESLint (flat config), type-aware through typescript-eslint's project service: each file is checked with the
// tsconfig of its folder (extension/, kernel/, webviews/, test/). `npm run lint` runs it with the other checks.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'kernel/assets/**',
      'test-results/**',
      '.vscode-test/**',
      '.tools/**',
      '.cache/**',
      'examples/**',
      'bench/**',
      'scripts/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
    ],
  },
  {
    files: ['extension/**/*.ts', 'kernel/**/*.ts', 'webviews/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error; write `void` where dropping it is deliberate.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it/before/after return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // An async callback where a void one is expected (event handlers, forEach) swallows its rejection.
      '@typescript-eslint/no-misused-promises': 'error',
      // `import('x').T` stays allowed: lazily loaded modules (optional native backends) are typed that way.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
    },
  },
);
