/**
 * The built package: plain `node` imports it by name (package self-reference
 * through `exports`), with type declarations beside the JS. `npm test` builds
 * before running the tests, so dist/ is current here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the built package', () => {
  it('emits JS and type declarations into dist/', () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true);
    expect(existsSync(`${root}/dist/index.d.ts`)).toBe(true);
  });

  it("is importable as 'theano-ts' from plain node inside the repository", () => {
    const script = `
      import * as th from 'theano-ts';
      const T = th.tensor;
      const [x, y] = T.fscalars('x', 'y');
      const f = th.function([x, y], [x.add(y), x.mul(y)]);
      console.log(JSON.stringify(f(2, 3).map((a) => [Number(a), a.dtype])));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([
      [5, 'float32'],
      [6, 'float32'],
    ]);
  });

  it('uses relaxed SIMD (fused multiply-add) unless config.wasmRelaxedSimd is false, with the same results to rounding', () => {
    const run = (relaxed: boolean) => {
      const script = `
        import * as th from 'theano-ts';
        th.config.wasmRelaxedSimd = ${relaxed};
        const { wasmFeatures } = await import(${JSON.stringify(`${root}/dist/wasm/features.js`)});
        const T = th.tensor;
        const [a, b] = [T.matrix('a', 'float32'), T.matrix('b', 'float32')];
        const f = th.function([a, b], [T.dot(a, b).sum(), T.tanh(a).sum()]);
        const fill = (n, s) => th.array(Array.from({ length: n }, (_, i) => Math.sin(i * s)), { dtype: 'float32' });
        const out = f(fill(200 * 300, 0.7).reshape([200, 300]), fill(300 * 50, 1.3).reshape([300, 50]));
        console.log(JSON.stringify({ relaxed: wasmFeatures().relaxedSimd, sums: out.map(Number) }));
      `;
      return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
    };
    const [fused, plain] = [run(true), run(false)];
    expect(fused.relaxed).toBe(true);
    expect(plain.relaxed).toBe(false);
    fused.sums.forEach((s: number, i: number) => expect(s).toBeCloseTo(plain.sums[i], 2));
  });
});
