// The hash worker's entry: bin/build-cli.mjs bundles it into out/workers/hash-worker.cjs, which pool.ts starts
// on every hash thread (app/workers/built.ts).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { hashWorkerMain, type WorkerInit } from './worker-body';

if (!parentPort) throw new Error('hash-worker runs only as a worker thread (started by app/intake/pool.ts)');
hashWorkerMain({ parentPort, workerData: workerData as WorkerInit, fs, crypto });
