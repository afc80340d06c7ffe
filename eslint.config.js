// Lint: typescript-eslint strict rules plus the layer boundaries of ARCHITECTURE.md.
import tseslint from 'typescript-eslint';

const layer = (from, forbidden) => ({
  files: [`${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((f) => ({ group: [`**/${f}/**`, `../${f}/*`, `../../${f}/*`], message: `${from}/ must not import ${f}/` })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'native/build/**', '.venv/**', 'tmp/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-throw-literal': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layer('logical', ['parser', 'optimizer', 'physical', 'storage', 'native']),
  layer('optimizer', ['parser', 'physical', 'storage', 'native']),
  layer('parser', ['optimizer', 'physical', 'storage', 'native']),
  layer('physical', ['parser', 'optimizer']),
  layer('storage', ['parser', 'logical', 'optimizer', 'physical']),
  layer('native', ['parser', 'logical', 'optimizer', 'physical', 'storage']),
);
