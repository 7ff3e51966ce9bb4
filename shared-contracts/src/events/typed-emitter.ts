// A tiny typed emitter. Listener errors are isolated: a failing logger must not fail a price update.

export type Unsubscribe = () => void;
export type Listener<T> = (event: T) => void | Promise<void>;

/** The subscribe-only side, exposed on connectors. */
export interface EventSource<M extends { [K in keyof M]: { type: K } }> {
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): Unsubscribe;
  /** Every event, whatever its type. */
  onAny(listener: Listener<M[keyof M]>): Unsubscribe;
}

export interface TypedEmitterOptions {
  /** Called when a listener throws or rejects; default: console.error. */
  onListenerError?: (error: unknown, event: unknown) => void;
}

export class TypedEmitter<M extends { [K in keyof M]: { type: K } }> implements EventSource<M> {
  private readonly byType = new Map<keyof M, Set<Listener<never>>>();
  private readonly any = new Set<Listener<M[keyof M]>>();
  private readonly onListenerError: (error: unknown, event: unknown) => void;

  constructor(options: TypedEmitterOptions = {}) {
    this.onListenerError =
      options.onListenerError ??
      ((error, event) => console.error('event listener failed', (event as { type?: unknown }).type, error));
  }

  on<K extends keyof M>(type: K, listener: Listener<M[K]>): Unsubscribe {
    let set = this.byType.get(type);
    if (!set) {
      set = new Set();
      this.byType.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  onAny(listener: Listener<M[keyof M]>): Unsubscribe {
    this.any.add(listener);
    return () => {
      this.any.delete(listener);
    };
  }

  /** Deliver synchronously to every listener; async listeners' rejections are caught, not awaited. */
  emit<K extends keyof M>(event: M[K]): void {
    const typed = this.byType.get(event.type as K) as Set<Listener<M[K]>> | undefined;
    for (const listener of [...(typed ?? []), ...this.any]) {
      try {
        const out = (listener as Listener<M[K]>)(event);
        if (out && typeof (out as Promise<void>).catch === 'function') {
          (out as Promise<void>).catch((error: unknown) => this.onListenerError(error, event));
        }
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  listenerCount(): number {
    let n = this.any.size;
    for (const set of this.byType.values()) n += set.size;
    return n;
  }

  removeAllListeners(): void {
    this.byType.clear();
    this.any.clear();
  }
}
