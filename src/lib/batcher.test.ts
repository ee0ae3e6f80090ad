import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batcher } from './batcher.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('batcher', () => {
  it('sends calls made together as one batch, and calls made during a batch as the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const call = batcher(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => i * 10);
    });
    const first = [call(1), call(2)];
    await tick();
    const second = [call(3), call(4), call(5)]; // batch 1 is still on its way
    await tick();
    expect(batches).toEqual([[1, 2]]);
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('never exceeds maxBatch and answers every call with its own result, in any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 40 }), async (gaps) => {
        const sizes: number[] = [];
        const call = batcher(
          async (items: number[]) => {
            sizes.push(items.length);
            await tick();
            return items.map((i) => -i);
          },
          { maxBatch: 4 },
        );
        const calls: Array<Promise<number>> = [];
        for (const [i, gap] of gaps.entries()) {
          for (let g = 0; g < gap; g++) await tick();
          calls.push(call(i));
        }
        expect(await Promise.all(calls)).toEqual(gaps.map((_, i) => -i));
        expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(gaps.length);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects every call of a failed batch and goes on with the next', async () => {
    let n = 0;
    const call = batcher(async (items: string[]) => {
      n++;
      if (items.includes('bad')) throw new Error('boom');
      return items.map((s) => s.toUpperCase());
    });
    const failed = [call('a'), call('bad')];
    await expect(Promise.all(failed)).rejects.toThrow('boom');
    await expect(failed[0]).rejects.toThrow('boom');
    expect(await call('c')).toBe('C');
    expect(n).toBe(2);
  });

  it('rejects when the statement answers a different number of results', async () => {
    const call = batcher(async (items: number[]) => items.slice(1));
    await expect(Promise.all([call(1), call(2)])).rejects.toThrow('1 results for 2 items');
  });
});
