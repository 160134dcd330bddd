/**
 * The Batcher behind PostgreSQL's batched creates and key lookups: what gathers, what each
 * caller gets back, and what happens to queued calls when the store cannot be reached.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type BatchOutcome } from '../../src/store/batcher.ts';

class Outage extends Error {}

/** A runBatch whose batches finish only when the test says so. */
function controlled() {
  const batches: { inputs: number[]; finish: (outcomes: BatchOutcome<number>[]) => void; fail: (error: unknown) => void }[] = [];
  const runBatch = (inputs: number[]) =>
    new Promise<BatchOutcome<number>[]>((resolve, reject) => batches.push({ inputs, finish: resolve, fail: reject }));
  return { batches, runBatch };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const settled = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

/** One batch at a time, outages told apart: call 1 running, call 2 queued behind it. */
async function oneRunningOneQueued() {
  const { batches, runBatch } = controlled();
  const batcher = new Batcher(runBatch, { maxInFlight: 1, maxBatch: 100, isOutage: (e) => e instanceof Outage });
  const first = settled(batcher.run(1));
  await tick();
  const queued = settled(batcher.run(2));
  await tick();
  return { batches, first, queued };
}

describe('Batcher', () => {
  it('gathers the calls of one turn into one batch, and answers each with its own outcome', async () => {
    const { batches, runBatch } = controlled();
    const batcher = new Batcher(runBatch, { maxInFlight: 2, maxBatch: 100 });
    const calls = [1, 2, 3, 4].map((n) => settled(batcher.run(n)));
    await tick();
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0]!.inputs, [1, 2, 3, 4]);
    batches[0]!.finish([{ ok: true, value: 10 }, { ok: false, error: new Error('two') }, { ok: true, value: 30 }, { ok: true, value: 40 }]);
    const results = await Promise.all(calls);
    assert.deepEqual(results[0], { value: 10 });
    assert.equal((results[1] as { error: Error }).error.message, 'two');
    assert.deepEqual([results[2], results[3]], [{ value: 30 }, { value: 40 }]);
  });

  it('runs at most maxInFlight batches; what arrives meanwhile goes together into the next', async () => {
    const { batches, runBatch } = controlled();
    const batcher = new Batcher(runBatch, { maxInFlight: 1, maxBatch: 100 });
    const first = settled(batcher.run(1));
    await tick();
    const later = [2, 3, 4].map((n) => settled(batcher.run(n)));
    await tick();
    assert.equal(batches.length, 1, 'the second batch waits for the first');
    batches[0]!.finish([{ ok: true, value: 1 }]);
    await first;
    await tick();
    assert.equal(batches.length, 2);
    assert.deepEqual(batches[1]!.inputs, [2, 3, 4]);
    batches[1]!.finish([2, 3, 4].map((value) => ({ ok: true, value })));
    assert.deepEqual(await Promise.all(later), [{ value: 2 }, { value: 3 }, { value: 4 }]);
  });

  it('an outage met by a batch reaches the queued calls at once, instead of a second wait', async () => {
    const { batches, runBatch } = controlled();
    const batcher = new Batcher(runBatch, { maxInFlight: 1, maxBatch: 100, isOutage: (e) => e instanceof Outage });
    const first = settled(batcher.run(1));
    await tick();
    const queued = [2, 3].map((n) => settled(batcher.run(n)));
    await tick();
    const outage = new Outage('no connection within 5 s');
    batches[0]!.fail(outage);
    const results = await Promise.all([first, ...queued]);
    for (const r of results) assert.equal((r as { error: unknown }).error, outage);
    await tick();
    assert.equal(batches.length, 1, 'the queued calls never started a batch of their own');
    // The batcher is not stuck: the next call runs.
    const next = settled(batcher.run(5));
    await tick();
    assert.equal(batches.length, 2);
    batches[1]!.finish([{ ok: true, value: 5 }]);
    assert.deepEqual(await next, { value: 5 });
  });

  it('an outage reported for one input (not the whole batch) also fails the queued calls', async () => {
    const { batches, first, queued } = await oneRunningOneQueued();
    const outage = new Outage('connection terminated');
    batches[0]!.finish([{ ok: false, error: outage }]);
    assert.equal(((await first) as { error: unknown }).error, outage);
    assert.equal(((await queued) as { error: unknown }).error, outage);
  });

  it('any other failure stays with its batch: queued calls still run', async () => {
    const { batches, first, queued } = await oneRunningOneQueued();
    batches[0]!.fail(new Error('a constraint of the whole batch'));
    assert.equal(((await first) as { error: Error }).error.message, 'a constraint of the whole batch');
    await tick();
    assert.equal(batches.length, 2);
    batches[1]!.finish([{ ok: true, value: 2 }]);
    assert.deepEqual(await queued, { value: 2 });
  });

  it('a runBatch that throws before returning a promise fails its batch, and the batcher goes on', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(
      (inputs) => {
        calls += 1;
        if (calls === 1) throw new Error('synchronous');
        return Promise.resolve(inputs.map((value) => ({ ok: true as const, value })));
      },
      { maxInFlight: 1, maxBatch: 100 },
    );
    assert.equal(((await settled(batcher.run(1))) as { error: Error }).error.message, 'synchronous');
    assert.deepEqual(await settled(batcher.run(2)), { value: 2 });
  });

  it('splits a burst larger than maxBatch', async () => {
    const seen: number[] = [];
    const batcher = new Batcher<number, number>(
      async (inputs) => {
        seen.push(inputs.length);
        return inputs.map((value) => ({ ok: true as const, value }));
      },
      { maxInFlight: 4, maxBatch: 3 },
    );
    const values = await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.run(i)));
    assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(seen, [3, 3, 2]);
  });
});
