// Lint rules for the whole project. Type-aware rules are off on purpose: they
// double the lint time and tsc already runs in `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'var/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // One gateway owns openpgp: it sets the limits and the config in one place.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'openpgp', message: 'Use src/openpgp/gateway.ts.' }] },
      ],
    },
  },
  {
    // Tests and the bench make mail and baselines the way other clients would.
    files: ['src/openpgp/gateway.ts', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
