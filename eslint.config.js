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
      // Markup from strings never reaches the DOM: the README's web-ext lint
      // note (preact's unused innerHTML branch) relies on this.
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Render text with preact; never markup from strings.',
        },
        {
          selector: 'AssignmentExpression[left.property.name=/^(inner|outer)HTML$/]',
          message: 'Build nodes or set textContent; never markup from strings.',
        },
      ],
    },
  },
  {
    // Tests and the bench make mail and baselines the way other clients would.
    files: ['src/openpgp/gateway.ts', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Unit tests load fixture markup into happy-dom on purpose.
    files: ['test/unit/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
