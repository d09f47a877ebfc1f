// ESLint (flat config): the recommended sets of ESLint, typescript-eslint and eslint-plugin-svelte.
// `npm run lint` must pass with 0 errors and 0 warnings; Prettier formats (npm run format), ESLint
// does not check formatting. A rule turned off here carries its reason on the same line.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  { ignores: ['.svelte-kit/', 'build/', 'data/', 'node_modules/', 'test-results/', 'bench/out/'] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: { extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser, ...globals.node }
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
  },
  {
    rules: {
      // Options, not off: `_name` marks a value left out on purpose (a rest sibling, a callback's unused argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }
      ],
      // Off: the app sets no kit.paths.base, so plain paths are the resolved ones; resolve() on every link adds nothing.
      'svelte/no-navigation-without-resolve': 'off',
      // Off: it flags maps and URLSearchParams that are non-reactive on purpose (function locals, caches, socket bookkeeping).
      'svelte/prefer-svelte-reactivity': 'off',
      // Off: its fix ($derived instead of $state + $effect) makes form state shallow, so bind:value on a field stops updating.
      'svelte/prefer-writable-derived': 'off',
      // Off: validation and the fuzz test's printer match control characters on purpose (to refuse or show them).
      'no-control-regex': 'off'
    }
  },
  {
    // Off for the QR code only: an SVG the server renders from the TOTP key (uqr), with no user text in it.
    files: ['src/routes/account/two-factor/+page.svelte'],
    rules: { 'svelte/no-at-html-tags': 'off' }
  },
  {
    // Off outside src/: migrations are frozen and typed Kysely<any> (Kysely's own advice); tests read untyped JSON.
    files: ['db/migrations/**', 'tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  }
);
