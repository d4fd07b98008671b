import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // demo/ehrs holds stand-ins for third-party EHR pages (plain browser JavaScript, not our product).
  { ignores: ['dist/', 'node_modules/', '.pki/', 'coverage/', '.demo-profile/', 'demo/ehrs/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Never use innerHTML: page and network data are hostile.' },
        { selector: "MemberExpression[property.name='outerHTML']", message: 'Never use outerHTML: page and network data are hostile.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Never insert HTML strings.' },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Never set raw HTML.' },
      ],
    },
  },
  {
    files: ['native-host/src/**/*.ts'],
    rules: {
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
