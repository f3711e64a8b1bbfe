// Lint for src/, workflows/ and test/: typescript-eslint's recommended rules, Prettier owns layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  // test/contract/generated/ is openapi-typescript's output (npm run openapi:write).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'var/**', 'web/dist/**', 'test/contract/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // Unused names fail the type check already (noUnusedLocals); an underscore marks a deliberate one.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Every `any` must say why (developers' guide); the comment goes with an eslint-disable line.
      '@typescript-eslint/no-explicit-any': 'error',
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
  },
);
