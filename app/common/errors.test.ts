import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvidenceError } from './errors';
import { NoteError } from '../ledger/note';
import { HostError } from '../host/errors';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

describe('EvidenceError', () => {
  it('carries a code, the class name and the cause', () => {
    const cause = new Error('disk');
    const e = new NoteError('LEDGER_NOTE_MALFORMED', 'note has no signature line', { cause });
    expect(e).toBeInstanceOf(EvidenceError);
    expect([e.code, e.name, e.message, e.cause]).toEqual(['LEDGER_NOTE_MALFORMED', 'NoteError', 'note has no signature line', cause]);
    expect(new HostError('HOST_CLOSED', 'closing')).toMatchObject({ code: 'HOST_CLOSED', name: 'HostError', params: {} });
  });

  it('is the base of every error class in app/', () => {
    const direct = sources(app).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/class (\w+)(?:<[^>]*>)? extends Error\b/g)].map((m) => `${relative(app, f)}: ${m[1]}`));
    expect(direct).toEqual(['common/errors.ts: EvidenceError']);
  });
});
