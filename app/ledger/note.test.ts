import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  NoteError,
  SIG_COSIGNATURE_V1,
  addSignatureLines,
  cosignatureTime,
  cosignerAt,
  generateNoteKey,
  keyId,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note';
import { fromBase64 } from '../crypto/encoding';

// c2sp.org/signed-note, Verifier keys, Example.
const specVkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const specNote =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// golang.org/x/mod/sumdb/note documentation key pair.
const goSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const goVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

describe('signed-note keys', () => {
  it('parses the spec example verifier key and verifies its note', () => {
    const v = parseVerifierKey(specVkey);
    expect(v.name).toBe('example.com/foo');
    expect(v.keyId).toBe(0x530d903a);
    expect(v.vkey).toBe(specVkey);
    const opened = openNote(specNote, [v]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(opened.verified).toHaveLength(1);
  });
  it('derives the Go sumdb key pair', () => {
    const kp = parseSignerKey(goSkey);
    expect(kp.vkey).toBe(goVkey);
    expect(kp.skey).toBe(goSkey);
  });
  it('computes key IDs as SHA-256(name ‖ 0x0A ‖ type ‖ pub)[:4]', () => {
    const v = parseVerifierKey(specVkey);
    expect(keyId('example.com/foo', 1, v.publicKey)).toBe(0x530d903a);
    expect(keyId('example.com/foo', 4, v.publicKey)).not.toBe(0x530d903a);
  });
  it.each([
    ['example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', /does not match/],
    ['example.com/foo+530d903a', /three/],
    ['exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', /name/],
    ['example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', /hex/],
    ['example.com/foo+530d903a+AmkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k', /type 0x02/],
    ['example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv', /29 bytes, expected 32/],
  ])('rejects verifier key %s', (vkey, msg) => {
    expect(() => parseVerifierKey(vkey)).toThrow(NoteError);
    expect(() => parseVerifierKey(vkey)).toThrow(msg);
  });
});

describe('signed notes', () => {
  const a = generateNoteKey('log.example/a');
  const b = generateNoteKey('log.example/b');

  it('signs and verifies, ignoring unknown keys', () => {
    const note = signNote('hello\nworld\n', [a.signer, b.signer]);
    expect(openNote(note, [a.verifier]).unknown.map((s) => s.name)).toEqual(['log.example/b']);
    expect(openNote(note, [a.verifier, b.verifier]).verified).toHaveLength(2);
  });
  it('is deterministic and verifies with node:crypto-independent noble', () => {
    const note = signNote('x\n', [a.signer]);
    const sig = parseNote(note).signatures[0]!;
    expect(ed25519.verify(sig.sig, new TextEncoder().encode('x\n'), a.verifier.publicKey)).toBe(true);
  });
  it('rejects a note with only unknown keys', () => {
    const note = signNote('x\n', [b.signer]);
    expect(() => openNote(note, [a.verifier])).toThrow(/no signature from a known key/);
  });
  it('rejects a bad signature of a known key', () => {
    const note = signNote('x\n', [a.signer]);
    expect(() => openNote(note.replace('x\n\n', 'y\n\n'), [a.verifier])).toThrow(/does not verify/);
  });
  it('separates text from signatures at the last blank line', () => {
    const note = signNote('a\n\nb\n', [a.signer]);
    expect(openNote(note, [a.verifier]).text).toBe('a\n\nb\n');
  });
  it.each([
    ['no newline at end', 'x\n\n— a AAAAAAA='],
    ['no blank line', 'x\n— a AAAAAAAA\n'],
    ['control character', 'x\ty\n\n— a AAAAAAAA\n'],
    ['hyphen not em dash', 'x\n\n- a AAAAAAAA\n'],
    ['missing name', 'x\n\n—  AAAAAAAA\n'],
    ['not base64', 'x\n\n— a AAAA!AAA\n'],
    ['too short', 'x\n\n— a AAAA\n'],
    ['extra field', 'x\n\n— a AAAAAAAA b\n'],
  ])('rejects a malformed note (%s)', (_why, note) => {
    expect(() => parseNote(note)).toThrow(NoteError);
  });
  it('rejects invalid UTF-8', () => {
    expect(() => parseNote(Uint8Array.of(0xff, 0x0a, 0x0a))).toThrow(/UTF-8/);
  });
  it('adds signature lines and keeps unknown ones', () => {
    const note = signNote('x\n', [a.signer]);
    const other = parseNote(signNote('x\n', [b.signer])).signatures[0]!.line;
    const merged = addSignatureLines(note, [other, other]);
    expect(parseNote(merged).signatures.map((s) => s.name)).toEqual(['log.example/a', 'log.example/b']);
    expect(openNote(merged, [a.verifier, b.verifier]).verified).toHaveLength(2);
  });
});

describe('tlog-cosignature v1', () => {
  it('signs "cosignature/v1\\ntime T\\n" + body with a timestamp prefix, and verifies', () => {
    const w = generateNoteKey('witness.example/w1', SIG_COSIGNATURE_V1);
    expect(w.vkey).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B[A-P]/); // type byte 0x04
    const signer = cosignerAt(w.skey, 1679315147n);
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const note = signNote(body, [signer]);
    const opened = openNote(note, [parseVerifierKey(w.vkey)]);
    expect(cosignatureTime(opened.verified[0]!.signature)).toBe(1679315147n);
    const raw = fromBase64(note.trim().split(' ').pop()!);
    const msg = new TextEncoder().encode(`cosignature/v1\ntime 1679315147\n${body}`);
    expect(ed25519.verify(raw.subarray(12), msg, w.verifier.publicKey)).toBe(true);
    // the same key as an Ed25519 note key has a different key ID: a plain signature is not a cosignature
    expect(keyId('witness.example/w1', 1, w.verifier.publicKey)).not.toBe(w.verifier.keyId);
  });
});
