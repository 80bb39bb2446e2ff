import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { _SIGNATURES, detectMediaType, OCTET_STREAM } from './mediatype';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('detectMediaType', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], '\0\x10JFIF'), 'x.bin', 'image/jpeg'],
    ['PNG', bytes([0x89], 'PNG\r\n\x1a\n'), 'x', 'image/png'],
    ['GIF', bytes('GIF89a'), 'x', 'image/gif'],
    ['MP4', bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0]), 'clip', 'video/mp4'],
    ['MOV', bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 2, 0]), 'clip', 'video/quicktime'],
    ['HEIC', bytes([0, 0, 0, 0x18], 'ftypheic'), 'IMG_0001.HEIC', 'image/heic'],
    ['PDF', bytes('%PDF-1.7\n'), 'x', 'application/pdf'],
    ['ZIP', bytes('PK\x03\x04'), 'x', 'application/zip'],
    ['DOCX is a ZIP named by its extension', bytes('PK\x03\x04'), 'report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['E01', bytes('EVF\x09\x0d\x0a\xff\x00'), 'disk.E01', 'application/x-ewf'],
    ['Ex01', bytes('EVF2\r\n\x81\x00'), 'disk.Ex01', 'application/x-ewf2'],
    ['SQLite', bytes('SQLite format 3\0'), 'sms.db', 'application/vnd.sqlite3'],
    ['WebP', bytes('RIFF\0\0\0\0WEBPVP8 '), 'x', 'image/webp'],
    ['tar', bytes(new Array(257).fill(0), 'ustar\x0000'), 'x', 'application/x-tar'],
    ['gzip', bytes([0x1f, 0x8b, 8]), 'x', 'application/gzip'],
    ['extension fallback', bytes('hello'), 'notes.TXT', 'text/plain'],
    ['unknown', bytes('hello'), 'notes', OCTET_STREAM],
    ['empty file with extension', bytes(), 'photo.jpg', 'image/jpeg'],
    ['a dot file is not an extension', bytes('x'), '.jpg', OCTET_STREAM],
  ])('%s', (_label, head, name, type) => {
    expect(detectMediaType(head, name)).toBe(type);
  });
});

describe('detectMediaType: signature lookup by first byte', () => {
  // Reference: the first signature in list order whose bytes are at its offset (no ftyp/RIFF/OLE2 prefix, and a
  // name without extension, so no refinement applies).
  const linear = (head: Uint8Array): string => {
    for (const sig of _SIGNATURES) {
      if (head.length >= sig.offset + sig.bytes.length && sig.bytes.every((b, i) => head[sig.offset + i] === b)) return sig.type;
    }
    return OCTET_STREAM;
  };
  const special = (h: Uint8Array): boolean => (h.length >= 8 && Buffer.from(h.subarray(4, 8)).toString('latin1') === 'ftyp')
    || (h.length >= 12 && Buffer.from(h.subarray(0, 4)).toString('latin1') === 'RIFF') || (h[0] === 0xd0 && h[1] === 0xcf);

  it('finds the same type as a linear scan of every signature (property)', () => {
    const head = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // A signature's bytes at its offset, then random bytes, and sometimes a tar magic too.
      fc.tuple(fc.constantFrom(..._SIGNATURES), fc.uint8Array({ maxLength: 300 }), fc.boolean()).map(([sig, rest, tar]) => {
        const h = new Uint8Array(Math.max(sig.offset + sig.bytes.length, rest.length, tar ? 262 : 0));
        h.set(rest);
        if (tar) h.set(Buffer.from('ustar'), 257);
        h.set(sig.bytes, sig.offset);
        return h;
      }),
    ).filter((h) => !special(h));
    fc.assert(fc.property(head, (h) => {
      expect(detectMediaType(h, 'noext')).toBe(linear(h));
    }), { numRuns: 2000 });
  });
});
