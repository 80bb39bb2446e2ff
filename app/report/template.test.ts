import { describe, expect, it } from 'vitest';
import { compileTemplate, escapeHtml, html, TemplateError, trustedHtml } from './template';

describe('escapeHtml', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src&#61;x onerror&#61;alert(1)&gt;'],
    ['"quoted" & \'single\'', '&quot;quoted&quot; &amp; &#39;single&#39;'],
    ['`tick`', '&#96;tick&#96;'],
    ['证物 plain', '证物 plain'],
  ])('%s', (input, want) => expect(escapeHtml(input)).toBe(want));
});

describe('compileTemplate', () => {
  it('escapes {{x}} and looks up dotted paths through the context stack', () => {
    const t = compileTemplate('<p>{{case.title}}</p>{{#items}}<i>{{name}}/{{case.id}}</i>{{/items}}');
    expect(t({ case: { title: '<b>x</b>', id: 7 }, items: [{ name: 'a&b' }, { name: '"c"' }] })).toBe(
      '<p>&lt;b&gt;x&lt;/b&gt;</p><i>a&amp;b/7</i><i>&quot;c&quot;/7</i>',
    );
  });

  it('accepts only SafeHtml in {{{x}}}: record text cannot be inserted raw', () => {
    const t = compileTemplate('{{{x}}}');
    expect(t({ x: html`<b>${'<script>'}</b>` })).toBe('<b>&lt;script&gt;</b>');
    expect(t({ x: trustedHtml('<svg></svg>') })).toBe('<svg></svg>');
    expect(() => t({ x: '<img src=x onerror=alert(1)>' })).toThrow(expect.objectContaining({ code: 'REPORT_TEMPLATE_UNSAFE' }));
    expect(() => t({ x: { html: '<b>forged</b>' } })).toThrow(TemplateError);
  });

  it('renders sections: lists, objects, booleans, numbers, inverted and empty', () => {
    const t = compileTemplate('{{#a}}A{{/a}}{{^a}}not-a{{/a}}{{#n}}N{{/n}}{{#o}}{{k}}{{/o}}{{#list.length}}L{{/list.length}}{{^list}}empty{{/list}}');
    expect(t({ a: true, n: 3, o: { k: 'K' }, list: [] })).toBe('ANKempty');
    expect(t({ a: false, n: 0, list: [1] })).toBe('not-aL');
    expect(compileTemplate('{{#xs}}[{{.}}]{{/xs}}')({ xs: ['<', 2] })).toBe('[&lt;][2]');
  });

  it.each([
    ['{{#a}}x', 'never closed'],
    ['{{#a}}x{{/b}}', 'closes {{#a}}'],
    ['{{/a}}', 'closes nothing'],
    ['{{{a}}', 'unbalanced'],
    ['{{a b}}', 'is not a name'],
  ])('rejects %s', (src, msg) => {
    expect(() => compileTemplate(src, 't.html')).toThrow(msg);
  });

  it('skips comments and keeps text around tags', () => {
    expect(compileTemplate('a{{! a note }}b {{x}} c')({ x: 1 })).toBe('ab 1 c');
  });
});
