// Makes gateway/web/static/vendor/ from the installed npm packages: the ECharts bundle of
// echarts-entry.js and the Sarabun web font (Thai and Latin, 400 and 700, woff2) with its
// @font-face CSS. deploy/local/ensure-static.sh copies this directory's files into its npm cache
// directory, runs `npm ci` there, then `node build.mjs OUT_DIR` (imports resolve from there).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [out] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'fonts'), { recursive: true });

await build({
  entryPoints: [join(here, 'echarts-entry.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"', __DEV__: 'false' },
  outfile: join(out, 'echarts.min.js'),
  logLevel: 'warning',
});

// @fontsource's own CSS per weight, keeping only the Thai and Latin faces (their unicode-range
// lets the browser fetch a file only when the page has its characters) and only woff2.
const fontsource = join(modules, '@fontsource', 'sarabun');
const faces = [];
for (const weight of [400, 700]) {
  const css = readFileSync(join(fontsource, `${weight}.css`), 'utf8');
  for (const [face, subset] of css.matchAll(/\/\* sarabun-([a-z-]+)-\d+-normal \*\/\s*@font-face\s*{[^}]*}/g)) {
    if (subset !== 'thai' && subset !== 'latin') continue;
    const file = `sarabun-${subset}-${weight}-normal.woff2`;
    copyFileSync(join(fontsource, 'files', file), join(out, 'fonts', file));
    faces.push(face.replace(/src:[^;]*;/, `src: url(fonts/${file}) format('woff2');`));
  }
}
if (faces.length !== 4) throw new Error(`expected 4 Sarabun faces, found ${faces.length}`);
const version = JSON.parse(readFileSync(join(fontsource, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'sarabun.css'),
  `/* Sarabun (SIL Open Font License 1.1), from @fontsource/sarabun ${version}: Thai and Latin, 400 and 700 */\n`
  + faces.join('\n\n') + '\n');
copyFileSync(join(fontsource, 'LICENSE'), join(out, 'fonts', 'OFL.txt'));
copyFileSync(join(modules, 'echarts', 'LICENSE'), join(out, 'echarts-LICENSE.txt'));
