import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const ELECTRON_ONLY_IN_ADAPTER = { name: 'electron', message: 'Core modules never import electron; put it in src-main/electron/.' };
const SQL_ONLY_IN_DB = {
  paths: [{ name: 'better-sqlite3', message: 'Only src-main/db/ holds the raw handle: pass the opaque ProjectDb to a db/ function.' }],
  patterns: [
    {
      group: ['**/db/database.ts'],
      importNames: ['sql', 'Database'],
      message: 'Only src-main/db/ unwraps a ProjectDb: add a typed function there.',
    },
  ],
};

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
  // Type-aware rules over every TypeScript file, typed by the project's own tsconfigs (tsconfig.json references the
  // node and web projects): promises neither dropped nor passed where a void callback is expected, awaits only on
  // thenables, only Errors thrown or rejected, no '[object Object]' in messages, no needless assertions.
  ...tseslint.configs.recommendedTypeCheckedOnly.map((c) => ({ ...c, files: ['**/*.{ts,tsx}'] })),
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An async function without await is how an interface's Promise-returning method is met: not a fault.
      '@typescript-eslint/require-await': 'off',
      // Passing on what was caught or an abort reason (typed any/unknown) is fine, as only-throw-error allows.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Tests (and their stand-in servers) read JSON answers and database rows as loosely as they assert on them.
    files: ['tests/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
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
      'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY_IN_ADAPTER] }],
    },
  },
  {
    // Only the data layer talks SQL: services call typed functions in src-main/db/ (tests/unit/data-boundary.test.ts
    // checks the same).
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/db/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY_IN_ADAPTER, ...SQL_ONLY_IN_DB.paths], patterns: SQL_ONLY_IN_DB.patterns }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(prepare|pragma|transaction)$/]",
          message: 'SQL lives in src-main/db/: add a typed function there (group writes with transaction() from db/database.ts).',
        },
      ],
    },
  },
  {
    // The Electron adapter may import electron, and still no SQL.
    files: ['src-main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', SQL_ONLY_IN_DB] },
  },
);
