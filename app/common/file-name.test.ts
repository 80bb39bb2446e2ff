import { describe, expect, it } from 'vitest';
import { safeFileName } from './file-name';

describe('safeFileName', () => {
  it.each([
    ['现场照片.jpg', '现场照片.jpg'],
    ['证据照片.jpg', '证据照片.jpg'],
    ['photo.jpg', 'photo.jpg'],
    ['e\u0301vidence.txt', '\u00e9vidence.txt'], // NFD from macOS becomes NFC
  ])('keeps %s as %s', (name, expected) => {
    expect(safeFileName(name)).toBe(expected);
  });

  it('replaces only unsafe characters, with a distinct stable suffix for names that collide', () => {
    const a = safeFileName('现场:照片.jpg');
    const b = safeFileName('现场?照片.jpg');
    expect(a).toMatch(/^现场_照片~[0-9a-f]{8}\.jpg$/);
    expect(b).toMatch(/^现场_照片~[0-9a-f]{8}\.jpg$/);
    expect(a).not.toBe(b);
    expect(safeFileName('现场:照片.jpg')).toBe(a);
    expect(safeFileName('CON.txt')).toMatch(/^_CON~[0-9a-f]{8}\.txt$/);
    expect(safeFileName('notes. ')).toMatch(/^notes__~[0-9a-f]{8}$/);
  });
});
