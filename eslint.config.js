// ESLint flat config. The layering rules make the architecture enforceable (docs/STYLE.md, after VS Code's
// code-layering rule): app/ is the Node domain core and never imports a UI or shell runtime; renderer/ knows
// the core only through the API contract and isomorphic modules; only tests, e2e/ and bench/ use the test kits
// in app/testing.
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

// Test kits (app/testing) serve tests, e2e/ and bench/ only: product code must not import them.
const testingForbidden = {
  regex: String.raw`^\.{1,2}\x2F(.*\x2F)?testing(\x2F|$)`,
  message: 'app/testing holds test kits: only tests (*.test.ts, *.spec.ts), e2e/ and bench/ may import them.',
};
// The node hooks its witnesses (app/node/witness-hook.ts), not the other way round: a witness knows no log server.
const witnessForbidden = {
  regex: String.raw`^\.{1,2}\x2F(.*\x2F)?node\x2F`,
  message: 'app/witness must not import app/node: the node hooks its witnesses (app/node/witness-hook.ts), not the other way round.',
};
// What runs where (after VS Code's common/node): these modules run in the browser too — the renderer and the
// offline HTML verifier (assets/verifier) load them — so they may import neither Node built-ins nor a Node-only
// module. Everything else under app/ is Node-only. Whole folders where a folder is browser-safe; single files where
// an area mixes both. app/common/runtime.test.ts proves the list is closed: every app/ module the renderer or the
// verifier reaches is on it, and no listed module imports one that is not.
export const browserSafe = [
  'app/common/**',
  'app/contract/**',
  'app/records/**',
  'app/crypto/{encoding,envelope,errors,record-digest,secp256k1,signer,ed25519}.ts',
  'app/ledger/{bytes,checkpoint,layout,merkle,note,rules,promise}.ts',
  'app/proof/{anchor,receipt,tlog-proof}.ts',
  'app/witness/cosignature.ts',
  'app/trust/{bundle,policy,embed}.ts',
];
const nodeForbidden = {
  regex: String.raw`^(node:|fs$|path$|os$|child_process$|worker_threads$|crypto$|net$|http$|https$|stream$|buffer$|url$|util$)`,
  message: 'This module is browser-safe (eslint.config.js browserSafe: the renderer and the offline verifier load it): it may not import Node built-ins. Put Node-only code in a module of its own.',
};
const testFiles = ['**/*.{test,spec}.{ts,tsx,js,mjs}', '**/*.{test,spec}.*.{ts,tsx,js,mjs}'];

const toPatterns = (rules) => rules.map((r) => ({ regex: r.regex.replaceAll('\\x2F', '/'), message: r.message }));

// One folder's import rules: product files obey `forbidden` and may not import test kits; its tests obey
// `forbidden` alone. (ESLint's later config objects replace a rule's options, so each file gets one list.)
const importRules = (rules, paths = []) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns: toPatterns(rules) }],
  'no-restricted-syntax': ['error', ...rules.flatMap((r) => dynamicImportSelectors(r.regex, r.message))],
});
function layer(folder, forbidden, paths = []) {
  return [
    { files: [`${folder}/**/*.{ts,tsx,js,mjs}`], ignores: testFiles, rules: importRules([...forbidden, testingForbidden], paths) },
    { files: testFiles.map((t) => `${folder}/${t}`), rules: importRules(forbidden, paths) },
  ];
}

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
  ...layer('app', [appForbidden]),
  ...layer('app/witness', [appForbidden, witnessForbidden]),
  ...layer('electron', []),
  ...layer('renderer', [rendererForbidden], nodeBuiltins.map((name) => ({ name, message: rendererForbidden.message }))),
  // Browser-safe modules: the app/ rules plus no Node built-ins (static, dynamic or require).
  {
    files: browserSafe.map((g) => (g.endsWith('**') ? `${g}/*.{ts,tsx,js,mjs}` : g)),
    ignores: testFiles,
    rules: importRules([appForbidden, testingForbidden, witnessForbidden, nodeForbidden], nodeBuiltins.map((name) => ({ name, message: nodeForbidden.message }))),
  },
  // The kits themselves may use one another.
  { files: ['app/testing/**/*.{ts,tsx,js,mjs}'], rules: importRules([appForbidden]) },
);
