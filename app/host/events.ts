// A typed, synchronous event hub: listeners see events in the order they were emitted.
import type { EventName, EventPayload, Unsubscribe } from '../contract/api';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** `onListenerError` hears of a listener that threw; the other listeners still get the event. */
  constructor(private readonly onListenerError: (event: EventName, err: unknown) => void) {}

  on(listener: EventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
  }
}
