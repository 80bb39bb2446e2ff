import { describe, expect, it } from 'vitest';
import { generateNoteKey, openNote, signNote } from '../ledger/note';
import { nodeNoteKey } from './fast-signer';

describe('nodeNoteKey', () => {
  it('signs exactly as the noble signer does (Ed25519 is deterministic)', () => {
    const kp = generateNoteKey('fast.example/log');
    const fast = nodeNoteKey(kp.skey);
    for (const text of ['a\n', 'example.com/log\n5\nAAAA\n', `${'x'.repeat(5000)}\n`]) {
      const a = signNote(text, [kp.signer]);
      expect(signNote(text, [fast.signer])).toBe(a);
      expect(openNote(a, [fast.verifier]).verified).toHaveLength(1);
    }
  });
});
