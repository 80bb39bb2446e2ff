import { describe, expect, it } from 'vitest';
import { CheckpointError, formatCheckpoint, openCheckpoint, parseCheckpointBody, peekCheckpoint, signCheckpoint } from './checkpoint';
import { SIG_COSIGNATURE_V1, addSignatureLines, cosignerAt, generateNoteKey, parseNote, signNote } from './note';
import { EMPTY_ROOT } from './merkle';
import { fromBase64 } from '../crypto/encoding';

const spec = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('checkpoint body (c2sp.org/tlog-checkpoint)', () => {
  it('parses the spec example and formats it back', () => {
    const cp = parseCheckpointBody(spec);
    expect(cp).toEqual({ origin: 'example.com/behind-the-sofa', size: 20852163, root: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='), extensions: [] });
    expect(formatCheckpoint(cp)).toBe(spec);
  });
  it('keeps extension lines', () => {
    const text = `${spec}ext one\next two\n`;
    expect(parseCheckpointBody(text).extensions).toEqual(['ext one', 'ext two']);
    expect(formatCheckpoint(parseCheckpointBody(text))).toBe(text);
  });
  it.each([
    ['', 0, /end with a newline/],
    ['o\n1\n', 3, /needs at least 3/],
    ['\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 1, /line 1 \(origin\) is empty/],
    ['o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 2, /line 2 \(tree size\) "01"/],
    ['o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 2, /line 2/],
    ['o\n1 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 2, /line 2/],
    ['o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 2, /2\^53/],
    ['o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n', 3, /line 3 \(root hash\)/],
    ['o\n1\nAAAA\n', 3, /decodes to 3 bytes/],
    ['o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n', 4, /line 4 \(extension\) is empty/],
  ])('rejects %j naming line %i', (text, line, msg) => {
    try {
      parseCheckpointBody(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).line).toBe(line);
      expect((err as Error).message).toMatch(msg);
    }
  });
});

describe('signed checkpoints', () => {
  const log = generateNoteKey('evidence.example/log');
  const w1 = generateNoteKey('witness.example/w1', SIG_COSIGNATURE_V1);
  const w2 = generateNoteKey('witness.example/w2', SIG_COSIGNATURE_V1);
  const cp = { origin: 'evidence.example/log', size: 0, root: EMPTY_ROOT, extensions: [] };

  it('verifies the log signature and the origin', () => {
    const note = signCheckpoint(cp, [log.signer]);
    expect(openCheckpoint(note, log.verifier, { origin: 'evidence.example/log' }).checkpoint.size).toBe(0);
    expect(() => openCheckpoint(note, log.verifier, { origin: 'other' })).toThrow(/line 1 \(origin\)/);
    expect(peekCheckpoint(note).origin).toBe('evidence.example/log');
  });
  it('requires the log signature, not just any known one', () => {
    const text = formatCheckpoint(cp);
    const note = signNote(text, [cosignerAt(w1.skey, 5n)]);
    expect(() => openCheckpoint(note, log.verifier, { witnesses: [w1.verifier] })).toThrow(/not signed by the log key/);
  });
  it('collects witness cosignatures and keeps unknown lines', () => {
    const note = signCheckpoint(cp, [log.signer]);
    const text = parseNote(note).text;
    const c1 = parseNote(signNote(text, [cosignerAt(w1.skey, 100n)])).signatures[0]!.line;
    const c2 = parseNote(signNote(text, [cosignerAt(w2.skey, 200n)])).signatures[0]!.line;
    const cosigned = addSignatureLines(note, [c1, c2]);
    const opened = openCheckpoint(cosigned, log.verifier, { witnesses: [w1.verifier] });
    expect(opened.cosignatures.map((c) => [c.witness.name, c.time])).toEqual([['witness.example/w1', 100n]]);
    expect(opened.unknown.map((s) => s.name)).toEqual(['witness.example/w2']);
  });
});
