import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { _checksumLine } from './escape';
import { _buildManifest, buildManifest, MANIFEST_HEADER, ManifestFormatError, ManifestStream, parseManifest } from './manifest';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('folder manifest, canonical form v1', () => {
  it('is the documented bytes: header, then "# size" + sha256sum line per file, sorted by path bytes', () => {
    const m = buildManifest([
      { rel: Buffer.from('b/z'), size: 2, sha256: sha('z') },
      { rel: Buffer.from('a\nb'), size: 0, sha256: sha('') },
      { rel: Buffer.from('a b'), size: 10, sha256: sha('ab') },
      { rel: Buffer.from('é'), size: 1, sha256: sha('e') },
    ]);
    expect(m.bytes.toString('utf8')).toBe(
      `${MANIFEST_HEADER}# size 0\n\\${sha('')}  a\\nb\n# size 10\n${sha('ab')}  a b\n# size 2\n${sha('z')}  b/z\n# size 1\n${sha('e')}  é\n`,
    );
    expect(m.sha256).toBe(createHash('sha256').update(m.bytes).digest('hex'));
  });

  it('an empty folder has the header only', () => {
    expect(buildManifest([]).bytes.toString()).toBe(MANIFEST_HEADER);
    expect(parseManifest(Buffer.from(MANIFEST_HEADER))).toEqual([]);
  });

  it.each([
    ['duplicate path', [{ rel: Buffer.from('a'), size: 1, sha256: sha('a') }, { rel: Buffer.from('a'), size: 1, sha256: sha('a') }], /appears twice/],
    ['absolute path', [{ rel: Buffer.from('/a'), size: 1, sha256: sha('a') }], /relative/],
    ['bad size', [{ rel: Buffer.from('a'), size: -1, sha256: sha('a') }], /size/],
    ['upper-case hash', [{ rel: Buffer.from('a'), size: 1, sha256: sha('a').toUpperCase() }], /lower-case hex/],
  ])('build rejects %s', (_label, entries, message) => {
    expect(() => buildManifest(entries)).toThrow(message);
  });

  it('parse rejects what is not canonical', () => {
    const good = buildManifest([{ rel: Buffer.from('a'), size: 1, sha256: sha('a') }, { rel: Buffer.from('b'), size: 1, sha256: sha('b') }]).bytes.toString();
    const swapped = good.split('\n');
    const reordered = [swapped[0], swapped[3], swapped[4], swapped[1], swapped[2], ''].join('\n');
    expect(() => parseManifest(Buffer.from(reordered))).toThrow(ManifestFormatError);
    expect(() => parseManifest(Buffer.from(good.replace('# size 1', '# size 01')))).toThrow(/# size N/);
    expect(() => parseManifest(Buffer.from(good.slice(0, -1)))).toThrow(/LF/);
    expect(() => parseManifest(Buffer.from(good.replace(MANIFEST_HEADER, '')))).toThrow(/start with/);
  });

  it('equals the line-by-line Buffer form (Buffer.compare order, escape.ts checksum lines) for any byte paths (property)', () => {
    // The reference is the form written out with the Buffer tools; _buildManifest works on byte strings.
    const reference = (entries: Array<{ rel: Uint8Array; size: number; sha256: string }>): Buffer => Buffer.concat([
      Buffer.from(MANIFEST_HEADER),
      ...[...entries].sort((a, b) => Buffer.compare(a.rel, b.rel)).flatMap((e) => [Buffer.from(`# size ${e.size}\n`), _checksumLine(e.sha256, e.rel)]),
    ]);
    const entry = fc.record({
      rel: fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((b) => b[0] !== 0x2f),
      size: fc.nat(),
      sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    });
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => Buffer.from(e.rel).toString('hex'), maxLength: 16 }), (entries) => {
      const expected = reference(entries);
      expect(buildManifest(entries).bytes.equals(expected)).toBe(true);
      expect(_buildManifest(entries.map((e) => ({ ...e, rel: Buffer.from(e.rel).toString('latin1') }))).bytes.equals(expected)).toBe(true);
    }), { numRuns: 300 });
  });

  it('parse(build(x)) round-trips any set of paths (property)', () => {
    const entry = fc.record({
      rel: fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((b) => b[0] !== 0x2f),
      size: fc.nat(),
      sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    });
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => Buffer.from(e.rel).toString('hex'), maxLength: 8 }), (entries) => {
      const { bytes } = buildManifest(entries);
      const parsed = parseManifest(bytes);
      expect(buildManifest(parsed).bytes.equals(bytes)).toBe(true);
      expect(parsed).toHaveLength(entries.length);
    }));
  });

  it('a stream of entries in byte order gives the same bytes and hash as the whole build; out of order, none (property)', () => {
    const entry = fc.record({
      rel: fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((b) => b[0] !== 0x2f).map((b) => Buffer.from(b).toString('latin1')),
      size: fc.nat(),
      sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    });
    // Up to 1,200 entries, so the stream's 512-line chunks are crossed.
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => e.rel, maxLength: 1200 }), fc.boolean(), (entries, sortFirst) => {
      const given = sortFirst ? [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)) : entries;
      const stream = new ManifestStream();
      for (const e of given) stream.add(e.rel, e.size, e.sha256);
      const streamed = stream.finish();
      const ordered = given.every((e, i) => i === 0 || (given[i - 1] as { rel: string }).rel < e.rel);
      if (!ordered) {
        expect(streamed).toBeNull();
        return;
      }
      const whole = _buildManifest(given);
      expect(streamed?.bytes.equals(whole.bytes)).toBe(true);
      expect(streamed?.sha256).toBe(whole.sha256);
      expect([stream.count, stream.bytes]).toEqual([given.length, given.reduce((n, e) => n + e.size, 0)]);
    }), { numRuns: 100 });
  });
});
