import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'native/build/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The renderer: hooks called unconditionally, effects and queries list what they read.
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // useQuery (common/useQuery.ts) takes its deps like useCallback: checked the same way.
      'react-hooks/exhaustive-deps': ['error', { additionalHooks: '^useQuery$' }],
    },
  },
  {
    // The core must run under plain Node (CLI, tests, the browser harness): only the Electron adapter and the
    // preload may import electron.
    files: ['src-main/**/*.ts', 'src-renderer/**/*.{ts,tsx}', 'native/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Core modules never import electron; put it in src-main/electron/.' }] }],
    },
  },
  {
    // Only the data layer talks SQL: services call typed functions in src-main/db/ (tests/unit/data-boundary.test.ts
    // checks the same).
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Core modules never import electron; put it in src-main/electron/.' },
            { name: 'better-sqlite3', message: 'Only src-main/db/ holds the raw handle: pass the opaque ProjectDb to a db/ function.' },
          ],
          patterns: [
            {
              group: ['**/db/database.ts'],
              importNames: ['sql', 'Database'],
              message: 'Only src-main/db/ unwraps a ProjectDb: add a typed function there.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(prepare|pragma|transaction)$/]",
          message: 'SQL lives in src-main/db/: add a typed function there (group writes with transaction() from db/database.ts).',
        },
      ],
    },
  },
);
