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
});
