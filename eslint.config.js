// ESLint flat config. The layering rules make the architecture enforceable (STYLE.md, after VS Code's
// code-layering rule): app/ is the Node domain core and never imports a UI or shell runtime; renderer/ knows
// the core only through the API contract and isomorphic modules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))];

// esquery regexes cannot contain '/', so path separators are written \x2F.
const dynamicImportSelectors = (regex, message) => [
  { selector: `ImportExpression[source.value=/${regex}/]`, message },
  { selector: `CallExpression[callee.name='require'][arguments.0.value=/${regex}/]`, message },
];

const appForbidden = {
  regex: String.raw`^(electron|react|react-dom|dexie|dexie-react-hooks)(\x2F|$)|(^|\x2F)(electron|renderer)\x2F`,
  message: 'app/ is the Node domain core: it must not import electron, react, dexie, or anything under electron/ or renderer/.',
};
const rendererForbidden = {
  regex: String.raw`^(node:|fs$|path$|os$|child_process$|worker_threads$|crypto$|net$|http$|https$)|\x2Fapp\x2F(?!contract\x2F|common\x2F)`,
  message: 'renderer/ runs in the browser: it may not import Node built-ins, nor app/ modules other than app/contract and app/common.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**', '.bench-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-undef': 'off',
    },
  },
  {
    files: ['app/**/*.{ts,tsx,js,mjs}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: appForbidden.regex.replaceAll('\\x2F', '/'), message: appForbidden.message },
        ],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportSelectors(appForbidden.regex, appForbidden.message)],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx,js,mjs}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: rendererForbidden.message })),
        patterns: [
          { regex: String.raw`/app/(?!contract/|common/)`, message: rendererForbidden.message },
        ],
      }],
      'no-restricted-syntax': ['error', ...dynamicImportSelectors(rendererForbidden.regex, rendererForbidden.message)],
    },
  },
);
