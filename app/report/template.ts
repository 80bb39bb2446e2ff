// A tiny logic-less template renderer (a strict subset of Mustache) for the printed report. Every value is
// HTML-escaped unless it is a `SafeHtml` made by this module's own builders: record text can never reach the
// page as markup, whichever tag the template uses for it.
//
//   {{name}}         the value, escaped (dotted paths look up through the context stack: {{case.title}})
//   {{{name}}}       a SafeHtml value as-is (anything else throws TemplateError)
//   {{#name}}…{{/name}}  a list: once per item; an object: once with it; true: once; falsy or []: skipped
//   {{^name}}…{{/name}}  once when the value is falsy or []
//   {{! comment }}   nothing
import { EvidenceError } from '../common/errors';

export class TemplateError extends EvidenceError<'REPORT_TEMPLATE_SYNTAX' | 'REPORT_TEMPLATE_UNSAFE' | 'REPORT_TEMPLATE_MISSING'> {
  override name = 'TemplateError';
  constructor(
    code: 'REPORT_TEMPLATE_SYNTAX' | 'REPORT_TEMPLATE_UNSAFE' | 'REPORT_TEMPLATE_MISSING',
    message: string,
  ) {
    super(code, message);
  }
}

const SAFE = Symbol('SafeHtml');

/** Markup this module vouches for: built by `html`, `raw` on a constant, or `joinHtml`. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly html: string;
}

const safe = (html: string): SafeHtml => ({ [SAFE]: true, html });
export const isSafeHtml = (v: unknown): v is SafeHtml => typeof v === 'object' && v !== null && (v as { [SAFE]?: unknown })[SAFE] === true;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}

function toHtml(value: unknown): string {
  if (isSafeHtml(value)) return value.html;
  if (Array.isArray(value)) return value.map(toHtml).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted markup, every interpolated value is escaped (SafeHtml kept). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += toHtml(values[i]) + strings[i + 1]!;
  return safe(out);
}

/** Markup from a constant in this program (an SVG the QR library drew, a style sheet): never pass record text. */
export function trustedHtml(markup: string): SafeHtml {
  return safe(markup);
}

export function joinHtml(parts: readonly SafeHtml[], separator = ''): SafeHtml {
  return safe(parts.map((p) => p.html).join(separator));
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; path: string; raw: boolean }
  | { kind: 'section'; path: string; inverted: boolean; children: Node[] };

const TAG = /\{\{(\{?)\s*([#^/!]?)\s*([^}]*?)\s*(\}?)\}\}/g;

/** Parses a template once; render the result many times (the bench renders thousands of exhibits). */
export function compileTemplate(source: string, name = 'template'): (view: unknown) => string {
  const root: Node[] = [];
  const stack: Array<{ path: string; children: Node[] }> = [{ path: '', children: root }];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const [whole, open3, sigil, body, close3] = m as unknown as [string, string, string, string, string];
    const at = m.index;
    const line = source.slice(0, at).split('\n').length;
    if (at > last) stack.at(-1)!.children.push({ kind: 'text', text: source.slice(last, at) });
    last = at + whole.length;
    if ((open3 === '{') !== (close3 === '}')) throw new TemplateError('REPORT_TEMPLATE_SYNTAX', `${name}:${line}: unbalanced triple braces in ${JSON.stringify(whole)}`);
    if (sigil === '!') continue;
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$|^\.$/.test(body)) {
      throw new TemplateError('REPORT_TEMPLATE_SYNTAX', `${name}:${line}: ${JSON.stringify(body)} is not a name (letters, digits, _ and dots)`);
    }
    if (sigil === '#' || sigil === '^') {
      const section: Node = { kind: 'section', path: body, inverted: sigil === '^', children: [] };
      stack.at(-1)!.children.push(section);
      stack.push({ path: body, children: section.children });
    } else if (sigil === '/') {
      const top = stack.pop()!;
      if (stack.length === 0 || top.path !== body) {
        throw new TemplateError('REPORT_TEMPLATE_SYNTAX', `${name}:${line}: {{/${body}}} closes ${top.path ? `{{#${top.path}}}` : 'nothing'}`);
      }
    } else {
      stack.at(-1)!.children.push({ kind: 'var', path: body, raw: open3 === '{' });
    }
  }
  if (stack.length !== 1) throw new TemplateError('REPORT_TEMPLATE_SYNTAX', `${name}: {{#${stack.at(-1)!.path}}} is never closed`);
  if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });

  const lookup = (ctx: readonly unknown[], path: string): unknown => {
    if (path === '.') return ctx.at(-1);
    const [head, ...rest] = path.split('.');
    for (let i = ctx.length - 1; i >= 0; i--) {
      const c = ctx[i];
      if (c !== null && typeof c === 'object' && Object.hasOwn(c, head!)) {
        let v: unknown = (c as Record<string, unknown>)[head!];
        for (const k of rest) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
        return v;
      }
    }
    return undefined;
  };

  const emit = (nodes: readonly Node[], ctx: unknown[], out: string[]): void => {
    for (const n of nodes) {
      if (n.kind === 'text') out.push(n.text);
      else if (n.kind === 'var') {
        const v = lookup(ctx, n.path);
        if (n.raw) {
          if (v === undefined || v === null) continue;
          if (!isSafeHtml(v)) throw new TemplateError('REPORT_TEMPLATE_UNSAFE', `${name}: {{{${n.path}}}} must be SafeHtml, got ${typeof v}; use {{${n.path}}} to print text`);
          out.push(v.html);
        } else out.push(toHtml(v));
      } else {
        const v = lookup(ctx, n.path);
        const empty = v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0);
        if (n.inverted) {
          if (empty) emit(n.children, ctx, out);
        } else if (!empty) {
          if (Array.isArray(v)) for (const item of v) emit(n.children, [...ctx, item], out);
          else if (typeof v === 'object') emit(n.children, [...ctx, v], out);
          else emit(n.children, ctx, out);
        }
      }
    }
  };

  return (view: unknown) => {
    const out: string[] = [];
    emit(root, [view], out);
    return out.join('');
  };
}
