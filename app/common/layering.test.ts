// The layering rule is part of the architecture: prove that lint rejects a forbidden import.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.includes('no-restricted'))
    .map((m) => m.message);
}

describe('layering lint rule', () => {
  it.each([
    ['app/x/a.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['app/x/a.ts', "import React from 'react';\nexport const a = React;\n"],
    ['app/x/a.ts', "import Dexie from 'dexie';\nexport const a = Dexie;\n"],
    ['app/x/a.ts', "import { x } from '../../renderer/src/x';\nexport const a = x;\n"],
    ['app/x/a.ts', "export const a = import('electron');\n"],
    ['app/x/a.ts', "export const a = require('react');\n"],
    ['renderer/src/a.ts', "import fs from 'node:fs';\nexport const a = fs;\n"],
    ['renderer/src/a.ts', "import { readFile } from 'fs';\nexport const a = readFile;\n"],
    ['renderer/src/a.ts', "import { x } from '../../app/ledger/merkle';\nexport const a = x;\n"],
    ['renderer/src/a.ts', "export const a = import('node:path');\n"],
    ['app/witness/a.ts', "import type { LedgerNode } from '../node/server';\nexport type A = LedgerNode;\n"],
    ['app/witness/a.ts', "export const a = import('../node/server');\n"],
  ])('rejects in %s: %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(messages.length).toBeGreaterThan(0);
  });

  // Test kits: product code under app/, electron/ and renderer/ may not import app/testing.
  it.each([
    ['app/node/a.ts', "import { crashRun } from '../testing/node-crash';\nexport const a = crashRun;\n"],
    ['app/node/a.ts', "export const a = import('../testing/node-crash');\n"],
    ['app/node/a.ts', "export const a = require('../testing/node-crash');\n"],
    ['app/host/services/a.ts', "import { x } from '../../testing/network-cluster';\nexport const a = x;\n"],
    ['electron/a.ts', "import { buildCaseLedger } from '../app/testing/case-ledger';\nexport const a = buildCaseLedger;\n"],
    ['electron/a.ts', "export const a = import('../app/testing/case-ledger');\n"],
    ['renderer/src/a.ts', "import { x } from '../../app/testing/case-ledger';\nexport const a = x;\n"],
  ])('rejects a test kit in %s: %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(messages.some((m) => m.includes('app/testing holds test kits'))).toBe(true);
  });

  it.each([
    ['app/x/a.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;\n"],
    ['renderer/src/a.ts', "import { x } from '../../app/contract/api';\nexport const a = x;\n"],
    ['renderer/src/a.ts', "import { x } from '../../app/common/format';\nexport const a = x;\n"],
    ['renderer/src/a.ts', "import { create } from 'zustand';\nexport const a = create;\n"],
    ['app/witness/a.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;\n"],
    ['app/node/a.test.ts', "import { crashRun } from '../testing/node-crash';\nexport const a = crashRun;\n"],
    ['app/node/a.slow.test.ts', "export const a = import('../testing/node-crash');\n"],
    ['electron/a.test.ts', "import { buildCaseLedger } from '../app/testing/case-ledger';\nexport const a = buildCaseLedger;\n"],
    ['app/testing/a.ts', "import { makePerson } from './provider-cluster';\nexport const a = makePerson;\n"],
    ['e2e/a.spec.ts', "import { x } from '../app/testing/network-cluster';\nexport const a = x;\n"],
    ['bench/a.bench.ts', "import { x } from '../app/testing/case-ledger';\nexport const a = x;\n"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
