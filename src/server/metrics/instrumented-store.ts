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
        wrapper = (...args: unknown[]) => {
          const end = metrics.storeDuration.startTimer({ operation: property, store: target.kind });
          let result: unknown;
          try {
            result = method.apply(target, args);
          } catch (err) {
            end({ outcome: 'error' });
            throw err;
          }
          if (!(result instanceof Promise)) {
            end({ outcome: 'ok' });
            return result;
          }
          return result.then(
            (settled) => (end({ outcome: 'ok' }), settled),
            (err: unknown) => {
              end({ outcome: 'error' });
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
