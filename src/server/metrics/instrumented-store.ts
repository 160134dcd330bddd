import type { Store } from '../../domain/store-port.ts';
import type { Metrics } from './metrics.ts';

/** Methods that are not store operations: metrics' own reads and the subscriptions. */
const NOT_TIMED = new Set(['connectionLoad', 'observeBatches', 'watchDeliveries', 'deliveryBacklog', 'close']);

/**
 * The store with each operation timed: a proxy, so the port gains no timing code and every
 * method, present and future, is measured under its own name.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const timed = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || NOT_TIMED.has(property)) {
        return typeof value === 'function' ? (value as Function).bind(target) : value;
      }
      let wrapper = timed.get(property);
      if (!wrapper) {
        const method = value as (...args: unknown[]) => unknown;
        const kind = target.kind;
        wrapper = (...args: unknown[]) => {
          const started = performance.now();
          const end = (ok: boolean) => metrics.observeStore(property, kind, ok, (performance.now() - started) / 1000);
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (err) {
            end(false);
            throw err;
          }
          if (!(result instanceof Promise)) {
            end(true);
            return result;
          }
          return result.then(
            (settled) => (end(true), settled),
            (err: unknown) => {
              end(false);
              throw err;
            },
          );
        };
        timed.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
