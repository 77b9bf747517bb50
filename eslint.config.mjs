// ESLint (flat config) with typescript-eslint's type-aware rules: `npm run lint`, also run by `npm test`.
// src/ gets the strict type-checked set: the library runs inside other people's apps, so floating
// promises, unsafe `any` flows and misused promises are bugs there. Tests and scripts get the
// type-checked recommended set without the `no-unsafe-*` family (fixtures parse untyped JSON).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'bench/.*/**', 'test-results/**', 'out/**', '**/node_modules/**', 'test/fixtures/consumer/**', 'test/fixtures/legacy-otel/**', 'examples/**/dist/**', 'bench/reference/**', 'coverage/**'],
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Config files and the .d.mts beside plain-JS scripts belong to no tsconfig: the default project types them.
        projectService: { allowDefaultProject: ['*.config.ts', 'scripts/*.d.mts', 'examples/web/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Unused names are already errors in tsc (noUnusedLocals/Parameters); `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['test/**/*.ts', 'examples/**/*.ts', 'examples/**/*.tsx', 'vitest.config.ts', 'tsup.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Plain JavaScript (bench, scripts, examples' servers): the recommended rules, Node globals.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly',
        AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', globalThis: 'readonly', structuredClone: 'readonly',
        queueMicrotask: 'readonly', document: 'readonly', window: 'readonly', crypto: 'readonly', Response: 'readonly', Request: 'readonly',
        Headers: 'readonly', AbortSignal: 'readonly', navigator: 'readonly', btoa: 'readonly', atob: 'readonly',
      },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
);
