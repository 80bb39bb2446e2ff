import { describe, expect, it } from 'vitest';
import { detectMediaType, OCTET_STREAM } from './mediatype';

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
