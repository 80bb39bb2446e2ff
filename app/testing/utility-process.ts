// Test kit: a stand-in for Electron's utilityProcess, whose runtime cannot be downloaded here. `forkUtility` runs
// a TypeScript module in a Node child process (tsx) and gives both ends Electron's API: in the parent
// `postMessage`, `on('message', message)`, `on('exit', code)` and `kill()` (UtilityProcess); in the child
// `process.parentPort` with `on('message', ({ data }) => …)` and `postMessage` (ParentPort, parent-port.ts).
// Messages are structured clones (Node's 'advanced' serialization), as over Electron's message ports.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface UtilityStandIn extends EventEmitter {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
}

const PARENT_PORT = pathToFileURL(fileURLToPath(new URL('./parent-port.ts', import.meta.url))).href;

export function forkUtility(modulePath: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): UtilityStandIn {
  const child = fork(modulePath, [...args], {
    execArgv: ['--import', 'tsx', '--import', PARENT_PORT],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env,
  });
  const utility = Object.assign(new EventEmitter(), {
    pid: child.pid,
    postMessage(message: unknown) {
      // Like a port whose other end is gone, a message to an ended process is dropped.
      if (child.connected) child.send(message as never, (err) => err && utility.emit('send-error', err));
    },
    kill: () => child.kill('SIGKILL'),
  });
  child.on('message', (message) => utility.emit('message', message));
  // Electron reports one exit code; a signal becomes 128 + its number, as a shell says it.
  child.on('exit', (code, signal) => utility.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0)));
  return utility;
}
