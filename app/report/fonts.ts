// The report embeds its font so the PDF looks the same on every machine (docs/UI.md, "Type and print"): Noto Sans SC
// from @fontsource/noto-sans-sc, which ships the font cut into ~100 woff2 subsets, each declared with a CSS
// unicode-range (CSS Fonts 4 §4.5). Only the subsets that cover a character the page actually uses are inlined,
// as data: URLs, for the regular and bold weights. Chromium then subsets again when it writes the PDF.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvidenceError } from '../common/errors';

export const REPORT_FONT_FAMILY = 'Noto Sans SC';

export class FontError extends EvidenceError<'REPORT_FONT'> {
  override name = 'FontError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REPORT_FONT', message, options);
  }
}

interface Face {
  weight: number;
  file: string;
  ranges: Array<[number, number]>;
}

const FACE_RE = /@font-face\s*{([^}]*)}/g;

/** Parses @fontsource's CSS: one face per subset with its woff2 file and unicode-range (CSS Fonts 4 §4.5). */
export function parseFontsourceCss(css: string, weight: number): Face[] {
  const faces: Face[] = [];
  for (const m of css.matchAll(FACE_RE)) {
    const body = m[1]!;
    const file = /url\(\.\/files\/([^)]+?\.woff2)\)/.exec(body)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((part): [number, number] => {
      const r = part.trim().replace(/^U\+/i, '');
      const [a, b] = r.split('-');
      const lo = parseInt(a!, 16);
      return [lo, b === undefined ? lo : parseInt(b, 16)];
    });
    faces.push({ weight, file, ranges });
  }
  return faces;
}

const faceCache = new Map<string, Face[]>();
const dataUrls = new Map<string, string>();

/** The faces of the regular and bold weights in `dir` (a copy of @fontsource/noto-sans-sc, see resources.ts). */
async function fontFaces(dir: string): Promise<Face[]> {
  let faces = faceCache.get(dir);
  if (faces) return faces;
  faces = [];
  for (const weight of [400, 700]) {
    let css: string;
    try {
      css = await readFile(join(dir, `${weight}.css`), 'utf8');
    } catch (err) {
      throw new FontError(`the report font is missing: ${join(dir, `${weight}.css`)} cannot be read (npm install, or rebuild the app)`, { cause: err });
    }
    faces.push(...parseFontsourceCss(css, weight));
  }
  faceCache.set(dir, faces);
  return faces;
}

/** Code points used by `text`, sorted. */
export function codePoints(text: string): number[] {
  const set = new Set<number>();
  for (const ch of text) set.add(ch.codePointAt(0)!);
  return [...set].sort((a, b) => a - b);
}

/**
 * @font-face rules, with data: URLs, for the subsets covering `text` in both weights. `text` should be the
 * whole rendered page (and the header/footer), so no glyph falls back to a system font.
 */
export async function embeddedFontCss(text: string, dir: string): Promise<{ css: string; files: string[] }> {
  const faces = await fontFaces(dir);
  const cps = codePoints(text).filter((c) => c > 0x20);
  const wanted = faces.filter((f) => cps.some((c) => f.ranges.some(([a, b]) => c >= a && c <= b)));
  const rules: string[] = [];
  for (const f of wanted) {
    const path = join(dir, 'files', f.file);
    let url = dataUrls.get(path);
    if (!url) {
      url = `data:font/woff2;base64,${(await readFile(path)).toString('base64')}`;
      dataUrls.set(path, url);
    }
    const range = f.ranges.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
    rules.push(`@font-face{font-family:'${REPORT_FONT_FAMILY}';font-style:normal;font-weight:${f.weight};font-display:block;src:url(${url}) format('woff2');unicode-range:${range};}`);
  }
  return { css: rules.join('\n'), files: wanted.map((f) => f.file) };
}
