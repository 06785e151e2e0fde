import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/*.tmp.*', 'build/**', 'node_modules/**', '.data/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['app/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Routes and components reach the database only through app/models (STYLE.md).
    files: ['app/routes/**', 'app/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['drizzle-orm', 'drizzle-orm/*'],
              message: 'Query in app/models/*.server.ts, not in routes or components.',
            },
            { group: ['#db/*', '**/db/*'], message: 'Reach the database through app/models/*.server.ts.' },
            { group: ['pg', '@electric-sql/pglite'], message: 'Reach the database through app/models/*.server.ts.' },
          ],
        },
      ],
    },
  },
  {
    // Command-line tools and tests print to the console by design.
    files: ['**/cli/**', 'seed/cli.ts', 'db/cli/**', 'bench/**', 'tests/**', 'server/build.ts'],
    rules: { 'no-console': 'off' },
  },
)
