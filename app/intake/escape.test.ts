import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumLine, displayName, escapeChecksumName, needsChecksumEscape, unescapeChecksumName } from './escape';

const H = 'a'.repeat(64);

describe('checksumLine: coreutils sha256sum escaping', () => {
  it.each([
    ['plain', 'plain', `${H}  plain\n`],
    ['spaces', 'a b  c', `${H}  a b  c\n`],
    ['leading dash', '-x', `${H}  -x\n`],
    ['Chinese', '证据.jpg', `${H}  证据.jpg\n`],
    ['backslash', 'a\\b', `\\${H}  a\\\\b\n`],
    ['newline', 'a\nb', `\\${H}  a\\nb\n`],
    ['carriage return', 'a\rb', `\\${H}  a\\rb\n`],
    ['tab stays raw', 'a\tb', `${H}  a\tb\n`],
  ])('%s', (_label, name, expected) => {
    expect(checksumLine(H, Buffer.from(name)).toString('utf8')).toBe(expected);
  });

  it('matches the real sha256sum output byte for byte, and sha256sum -c accepts ours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-escape-'));
    try {
      const names = ['plain', 'back\\slash', 'new\nline', 'cr\rx', '-dash', '证据 照片', 'both\\and\n'];
      for (const n of names) writeFileSync(join(dir, n), n);
      const theirs = execFileSync('sha256sum', ['--', ...names], { cwd: dir });
      const ours = Buffer.concat(names.map((n, i) => {
        const line = theirs.toString('utf8').split('\n')[i] as string;
        const hash = line.replace(/^\\/, '').slice(0, 64);
        return checksumLine(hash, Buffer.from(n));
      }));
      expect(ours.equals(theirs)).toBe(true);
      writeFileSync(join(dir, 'SUMS'), ours);
      expect(execFileSync('sha256sum', ['--strict', '-c', 'SUMS'], { cwd: dir }).toString().match(/: OK$/gm)).toHaveLength(names.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a digest that is not lower-case hex', () => {
    expect(() => checksumLine('ABC', Buffer.from('x'))).toThrow(TypeError);
  });

  it('unescape reverses escape for any bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const esc = escapeChecksumName(bytes);
      expect(unescapeChecksumName(esc).equals(Buffer.from(bytes))).toBe(true);
      if (needsChecksumEscape(bytes)) {
        expect(esc.includes(0x0a)).toBe(false);
        expect(esc.includes(0x0d)).toBe(false);
      } else {
        expect(esc.equals(Buffer.from(bytes))).toBe(true);
      }
    }));
  });

  it('unescape rejects an unknown or dangling escape', () => {
    expect(() => unescapeChecksumName(Buffer.from('a\\tb'))).toThrow(/bad escape/);
    expect(() => unescapeChecksumName(Buffer.from('a\\'))).toThrow(/\(end\)/);
  });
});

describe('displayName', () => {
  it.each([
    ['证据 照片.jpg', '证据 照片.jpg'],
    ['new\nline', 'new\\nline'],
    ['back\\slash', 'back\\\\slash'],
    ['tab\there', 'tab\\x09here'],
    ['del\x7f', 'del\\x7f'],
  ])('%j → %j', (name, shown) => {
    expect(displayName(name)).toBe(shown);
  });

  it('shows bytes that are not UTF-8 as \\xHH and keeps valid characters around them', () => {
    expect(displayName(Buffer.from([0x61, 0xff, 0xe8, 0xaf, 0x81, 0xe8, 0xaf, 0x0a]))).toBe('a\\xff证\\xe8\\xaf\\n');
  });

  it('is always printable and on one line (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      // eslint-disable-next-line no-control-regex
      expect(displayName(bytes)).not.toMatch(/[\x00-\x1f\x7f\ufffd]/);
    }));
  });
});
