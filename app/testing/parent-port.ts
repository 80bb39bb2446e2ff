// Loaded (`--import`) into a child that forkUtility (utility-process.ts) starts: Electron's `process.parentPort`
// over Node's IPC channel. As in Electron, messages that arrive before a listener is registered are queued.
import { EventEmitter } from 'node:events';

const queued: unknown[] = [];
const port = Object.assign(new EventEmitter(), {
  postMessage(message: unknown) {
    process.send?.(message as never);
  },
});
port.on('newListener', (event: string) => {
  if (event !== 'message') return;
  queueMicrotask(() => {
    for (const data of queued.splice(0)) port.emit('message', { data });
  });
});
process.on('message', (data) => {
  if (port.listenerCount('message') === 0) queued.push(data);
  else port.emit('message', { data });
});
Object.defineProperty(process, 'parentPort', { value: port, enumerable: false });
