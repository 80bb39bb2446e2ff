// IPC channel names, derived from the contract: one channel per method, one per event.
import type { EventName, MethodName } from '../app/contract/api';

export const methodChannel = (method: MethodName | string): string => `workstation:call:${method}`;
export const eventChannel = (event: EventName): string => `workstation:event:${event}`;
