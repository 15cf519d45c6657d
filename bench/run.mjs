#!/usr/bin/env node
// The benchmark harness: runs the workloads of shared/bench/WORKLOADS.md for
// theano-ts and its peers (numpy, TensorFlow.js cpu and wasm, jax-js) side by
// side in one run, each system in its own process one after the other, and
// prints medians and ratios. The full report goes to bench/results/latest.json
// and bench/results/latest.md.
//
//   npm run bench                          # everything (a few minutes)
//   npm run bench -- --only B1             # one workload (or --only B1,B3)
//   npm run bench -- --no-peers            # theano-ts alone
//   npm run bench -- --peers numpy,jax-js  # some peers only
//   npm run bench -- --b2-sizes 512        # skip the 1024 matmul
//
// Peers are installed from bench/package.json (and its lock file) into
// bench/node_modules on first use (`npm ci --prefix bench`); the root
// package never depends on them. theano-ts itself is the built package
// (`npm run build` first), imported by name through the link
// bench/node_modules/theano-ts -> .. that the same manifest sets up.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, symlinkSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamChecksum, CHECKED_STREAMS } from './data.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const RESULTS = path.join(BENCH, 'results');

const WORKLOADS = [
  { id: 'B1', title: 'B1 fused elementwise 1/(1+exp(-(a*b+c))), n = 1e6', unit: 'ms' },
  { id: 'B2', title: 'B2 matmul C = A@B (n×n)', unit: 'ms' },
  { id: 'B3', title: 'B3 logistic-regression training step, N = 400, feats = 784, float64 (1000 timed steps after 10 warm-up)', unit: 'ms' },
  { id: 'B3c', title: 'B3 compile: build the graph, T.grad and th.function of the training function', unit: 'ms', partOf: 'B3' },
  { id: 'B4', title: 'B4 MLP training step: 784-500-10, tanh, softmax cross-entropy, batch 128, float32, SGD (200 timed steps after 10 warm-up)', unit: 'ms' },
  { id: 'B5', title: 'B5 RNN through a loop (scan): T = 100, batch 32, 64 → 128, float32, forward and gradients of W and U', unit: 'ms' },
  { id: 'B6', title: 'B6 call overhead of f(x) = x + 1 on a float64 scalar (median of 3 passes of 200,000 calls)', unit: 'µs' },
];
const RUNNABLE = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'];
/** B3's cost at the first and the 1000th step, from WORKLOADS.md. */
const B3_COST = [0.6921, 0.2244];

const SYSTEMS = [
  { name: 'theano-ts', kind: 'node', script: 'theano_bench.mjs' },
  { name: 'numpy', kind: 'python', script: 'peers/numpy_bench.py', peer: true },
  { name: 'tfjs-cpu', kind: 'node', script: 'peers/tfjs_bench.mjs', extra: ['--backend', 'cpu'], peer: true, npm: true },
  { name: 'tfjs-wasm', kind: 'node', script: 'peers/tfjs_bench.mjs', extra: ['--backend', 'wasm'], peer: true, npm: true },
  { name: 'jax-js', kind: 'node', script: 'peers/jaxjs_bench.mjs', peer: true, npm: true },
];

const HELP = `npm run bench -- [options]
  --only B1[,B2,...]     run only these workloads (B1 B2 B3 B4 B5 B6)
  --no-peers             theano-ts only
  --peers a,b            only these peers: ${SYSTEMS.filter((s) => s.peer).map((s) => s.name).join(', ')}
  --b2-sizes 512[,1024]  matmul sizes (default 512,1024)
  --calls N              timed calls per case (default 20; slow cases use fewer and say so)
  --help`;

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { only: null, peers: true, peerList: null, b2Sizes: '512,1024', calls: null };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val = null;
    if (a.includes('=')) [a, val] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const next = () => {
      const v = val ?? argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') o.only = [...(o.only ?? []), ...next().toUpperCase().split(',').filter(Boolean)];
    else if (a === '--no-peers') o.peers = false;
    else if (a === '--peers') o.peerList = next().split(',').filter(Boolean);
    else if (a === '--b2-sizes') o.b2Sizes = next();
    else if (a === '--calls') o.calls = next();
    else if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  const known = WORKLOADS.map((w) => w.id);
  for (const w of o.only ?? []) if (!known.includes(w)) throw new Error(`unknown workload ${w} (known: ${known.join(', ')})`);
  for (const p of o.peerList ?? []) if (!SYSTEMS.some((s) => s.peer && s.name === p)) throw new Error(`unknown peer ${p}`);
  return o;
}

// ---------------------------------------------------------------- bench dependencies
/** Are bench/package.json's dependencies installed at the versions of bench/package-lock.json? */
function depsInstalled() {
  const nm = path.join(BENCH, 'node_modules');
  if (!existsSync(path.join(nm, '.package-lock.json'))) return false;
  const lock = JSON.parse(readFileSync(path.join(BENCH, 'package-lock.json'), 'utf8'));
  const deps = Object.keys(JSON.parse(readFileSync(path.join(BENCH, 'package.json'), 'utf8')).dependencies);
  for (const d of deps) {
    const entry = lock.packages?.[`node_modules/${d}`];
    const pj = path.join(nm, d, 'package.json');
    if (!existsSync(pj)) return false;
    if (entry?.version && JSON.parse(readFileSync(pj, 'utf8')).version !== entry.version) return false;
  }
  return true;
}

/** The link bench/node_modules/theano-ts -> .. (what `npm ci` makes for "file:.."), made by hand. */
function ensureTheanoLink() {
  const link = path.join(BENCH, 'node_modules', 'theano-ts');
  try {
    lstatSync(link);
    return;
  } catch {
    /* absent */
  }
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(path.relative(path.dirname(link), ROOT), link, 'dir');
}

/** Returns null when the npm peers can run, or why not. */
function ensureDeps(wantNpmPeers) {
  if (depsInstalled()) return null;
  if (!wantNpmPeers) {
    ensureTheanoLink();
    return 'not installed (run without --no-peers once to install them)';
  }
  process.stderr.write('bench: installing the peers of bench/package.json (npm ci --prefix bench), once ...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status === 0 && depsInstalled()) return null;
  ensureTheanoLink();
  return `npm ci --prefix bench failed (exit ${r.status ?? r.error?.message})`;
}

// ---------------------------------------------------------------- machine
function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  let flags = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? cpu;
    const f = /^flags\s*:\s*(.*)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
    flags = ['avx2', 'fma', 'avx512f'].filter((x) => f.includes(x)).join(' ');
  } catch {
    /* not Linux */
  }
  return {
    cpu,
    simd: flags,
    cores: os.availableParallelism(),
    memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg_start: os.loadavg().map((x) => +x.toFixed(2)),
    theano_ts: `${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}${gitHead()}`,
  };
}

/** The checked-out commit, read from .git's files (best effort; no git command is run). */
function gitHead() {
  try {
    let gitDir = path.join(ROOT, '.git');
    if (!lstatSync(gitDir).isDirectory()) gitDir = path.resolve(ROOT, /gitdir:\s*(.*)/.exec(readFileSync(gitDir, 'utf8'))[1].trim());
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return ` @ ${head.slice(0, 10)}`;
    const ref = head.slice(4).trim();
    const common = existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const p = path.join(dir, ref);
      if (existsSync(p)) return ` @ ${readFileSync(p, 'utf8').trim().slice(0, 10)} (${ref.replace('refs/heads/', '')})`;
    }
    const packed = readFileSync(path.join(common, 'packed-refs'), 'utf8');
    const m = new RegExp(`^([0-9a-f]{40}) ${ref}$`, 'm').exec(packed);
    return m ? ` @ ${m[1].slice(0, 10)} (${ref.replace('refs/heads/', '')})` : '';
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------- running the systems
function runWorker(sys, workerArgs, timeoutMs) {
  const out = path.join(os.tmpdir(), `theano-ts-bench-${process.pid}-${sys.name}.json`);
  rmSync(out, { force: true });
  const cmd = sys.kind === 'python' ? process.env.PYTHON || 'python3' : process.execPath;
  const argv = [path.join(BENCH, sys.script), ...(sys.extra ?? []), ...workerArgs, '--out', out];
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = '';
    let errBuf = '';
    let child;
    try {
      child = spawn(cmd, argv, { cwd: BENCH, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ system: sys.name, available: false, reason: `${cmd}: ${e.message}` });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      errBuf += d;
      // Pass progress lines through; keep the rest (library banners, errors) for a failure report.
      let nl;
      while ((nl = errBuf.indexOf('\n')) >= 0) {
        const line = errBuf.slice(0, nl);
        errBuf = errBuf.slice(nl + 1);
        if (line.startsWith('  [')) process.stderr.write(line + '\n');
        else child.other = ((child.other ?? '') + line + '\n').slice(-4000);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      const reason = e.code === 'ENOENT' ? `${cmd} not found` : `${cmd}: ${e.message}`;
      resolve({ system: sys.name, available: false, reason });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      let report = null;
      try {
        report = JSON.parse(existsSync(out) ? readFileSync(out, 'utf8') : stdout.trim().split('\n').pop());
      } catch {
        /* no report */
      }
      rmSync(out, { force: true });
      if (report && (code === 0 || report.available === false)) {
        resolve({ ...report, seconds });
        return;
      }
      const tail = `${child.other ?? ''}${errBuf}`.trim().split('\n').slice(-6).join(' | ');
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      resolve({ system: sys.name, available: false, reason: `${why}: ${tail}`, seconds });
    });
  });
}

// ---------------------------------------------------------------- formatting
const fmtMs = (v) => (v === undefined || v === null || Number.isNaN(v) ? '' : v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v >= 1 ? v.toFixed(3) : v.toPrecision(3));
const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? '' : r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toPrecision(2)}×`);

function mdTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(all[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}

/** The per-case value that ratios compare: ms, or µs for B6. */
const valueOf = (r, unit) => (r ? (unit === 'µs' ? r.median_us : r.median_ms) : undefined);

function buildReport(meta, systems, selected) {
  const lines = [];
  const order = systems.map((s) => s.system);
  const find = (sys, w, c) => systems.find((s) => s.system === sys)?.results?.find((r) => r.workload === w && r.case === c);
  lines.push(`# theano-ts benchmarks`, '');
  lines.push(`Machine: ${meta.machine.cpu} (${meta.machine.simd || 'no AVX flags read'}), ${meta.machine.cores} cores, ${meta.machine.memory_gib} GiB; ${meta.machine.platform}; Node ${meta.machine.node}; ${meta.numpyVersion ?? 'numpy not run'}.`);
  lines.push(`theano-ts ${meta.machine.theano_ts}. Run ${meta.date}, ${meta.seconds.toFixed(0)} s in all; load average ${meta.machine.loadavg_start.join(' ')} at the start, ${meta.loadavg_end.join(' ')} at the end (other processes on the machine inflate the numbers).`, '');
  lines.push('Systems:', '');
  for (const s of systems) lines.push(`- **${s.system}**: ${s.available ? `${s.version}${s.seconds ? ` (${s.seconds.toFixed(0)} s)` : ''}` : `unavailable: ${s.reason}`}`);
  lines.push('');
  lines.push('Method: each system runs in its own process, one after the other; 20 warm-up calls (fewer for slow cases: JIT compilers reach their final code only after some calls), then the median of 20 timed calls ' +
    '(a case whose calls are slow gets fewer, as the calls column says), timed with performance.now() / time.perf_counter(). ' +
    '"÷ theano-ts" is the system\'s time divided by theano-ts\'s (below 1: faster than theano-ts); ' +
    '"theano-ts ÷ numpy" is how many times longer theano-ts takes than numpy.', '');

  // Data checksums.
  const py = systems.find((s) => s.system === 'numpy' && s.available)?.checksums;
  lines.push('## Data', '');
  lines.push(mdTable(['stream', 'seed', 'n', 'checksum JS', 'checksum Python', 'equal'],
    CHECKED_STREAMS.map(([name, seed, n]) => {
      const js = streamChecksum(seed, n);
      return [name, seed, n, js, py?.[name] ?? '(numpy not run)', py ? (py[name] === js ? 'yes' : '**NO**') : ''];
    })));
  lines.push('', 'Checksum: the exact integer sum of the 24-bit draws (x >> 8) of the stream.', '');

  // One table per workload.
  const summary = [];
  for (const w of WORKLOADS) {
    const sel = selected.includes(w.partOf ?? w.id);
    if (w.notYet) {
      lines.push(`## ${w.title}`, '', 'Not yet: a later issue.', '');
      summary.push([`${w.id}`, ...order.map(() => ''), '', 'not yet']);
      continue;
    }
    if (!sel) continue;
    const cases = [];
    for (const s of systems) for (const r of s.results ?? []) if (r.workload === w.id && !cases.includes(r.case)) cases.push(r.case);
    lines.push(`## ${w.title}`, '');
    const head = ['case', 'system', `median ${w.unit}`, ...(w.unit === 'ms' ? ['min ms'] : []), 'calls', '÷ theano-ts'];
    if (w.id === 'B2') head.push('GFLOP/s');
    if (w.id === 'B1' || w.id === 'B2') head.push('checksum sum(out)');
    if (w.id === 'B3') head.push('cost step 1 → 1000');
    head.push('note');
    const rows = [];
    for (const c of cases) {
      const base = valueOf(find('theano-ts', w.id, c), w.unit);
      for (const s of systems) {
        if (!s.available) continue;
        const r = find(s.system, w.id, c);
        if (!r) continue;
        const cell = { case: c, system: s.system };
        if (r.unsupported) {
          cell[`median ${w.unit}`] = '—';
          cell.note = `not supported: ${r.unsupported}`;
        } else {
          const v = valueOf(r, w.unit);
          cell[`median ${w.unit}`] = w.unit === 'µs' ? v.toFixed(2) : fmtMs(v);
          cell['min ms'] = r.calls > 1 ? fmtMs(r.min_ms) : '';
          cell.calls = r.passes ? `${r.passes}×${r.calls}` : `${r.calls}${r.calls < 20 && w.id !== 'B3c' ? ' (slow: fewer)' : ''}`;
          cell['÷ theano-ts'] = base ? fmtRatio(v / base) : '';
          cell['GFLOP/s'] = r.gflops?.toFixed(2) ?? '';
          cell['checksum sum(out)'] = r.checksum?.toFixed(4) ?? '';
          if (r.cost_first !== undefined) {
            const ok = Math.abs(r.cost_first - B3_COST[0]) < 5e-5 && Math.abs(r.cost_last - B3_COST[1]) < 5e-5;
            cell['cost step 1 → 1000'] = `${r.cost_first.toFixed(4)} → ${r.cost_last.toFixed(4)} ${ok ? '(as expected)' : '**(expected 0.6921 → 0.2244)**'}`;
          }
          cell.note = r.note ?? '';
        }
        rows.push(head.map((h) => cell[h] ?? ''));
      }
      const np = valueOf(find('numpy', w.id, c), w.unit);
      summary.push([`${w.id} ${c}`, ...order.map((sys) => {
        const r = find(sys, w.id, c);
        if (!r) return '';
        if (r.unsupported) return '—';
        const v = valueOf(r, w.unit);
        return `${w.unit === 'µs' ? `${v.toFixed(2)} µs` : fmtMs(v)}${w.id === 'B2' ? ` (${r.gflops.toFixed(1)} GF/s)` : ''}`;
      }), base && np ? fmtRatio(base / np) : '', '']);
    }
    lines.push(mdTable(head, rows), '');
    const ratios = cases.map((c) => {
      const t = valueOf(find('theano-ts', w.id, c), w.unit);
      const n = valueOf(find('numpy', w.id, c), w.unit);
      return t && n ? `${c}: ${fmtRatio(t / n)}` : null;
    }).filter(Boolean);
    if (ratios.length) lines.push(`theano-ts ÷ numpy — ${ratios.join('; ')}`, '');
  }

  const summaryMd = mdTable(['workload', ...order.map((s) => `${s}${systems.find((x) => x.system === s).available ? '' : ' (n/a)'}`), 'theano-ts ÷ numpy', 'note'], summary);
  lines.splice(lines.indexOf('## Data'), 0, '## Summary (median ms per call unless marked; lower is better)', '', summaryMd, '');
  return { markdown: lines.join('\n'), summaryMd };
}

// ---------------------------------------------------------------- main
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const selected = (opts.only ?? WORKLOADS.map((w) => w.id)).filter((w) => RUNNABLE.includes(w) || WORKLOADS.find((x) => x.id === w)?.notYet);
  const runnable = selected.filter((w) => RUNNABLE.includes(w));
  const systems = SYSTEMS.filter((s) => !s.peer || (opts.peers && (!opts.peerList || opts.peerList.includes(s.name))));
  const npmProblem = ensureDeps(systems.some((s) => s.npm));
  const machine = machineInfo();

  const workerArgs = ['--only', runnable.join(','), '--b2-sizes', opts.b2Sizes, ...(opts.calls ? ['--calls', opts.calls] : [])];
  process.stderr.write(`bench: ${runnable.join(' ')} for ${systems.map((s) => s.name).join(', ')}\n`);
  const reports = [];
  for (const sys of systems) {
    if (runnable.length === 0) break;
    if (sys.npm && npmProblem) {
      reports.push({ system: sys.name, available: false, reason: `bench dependencies ${npmProblem}` });
      continue;
    }
    process.stderr.write(`bench: ${sys.name} ...\n`);
    const r = await runWorker(sys, workerArgs, 8 * 60_000);
    if (!r.available) process.stderr.write(`bench: ${sys.name} unavailable: ${r.reason}\n`);
    reports.push(r);
  }
  const theano = reports.find((r) => r.system === 'theano-ts');
  const numpy = reports.find((r) => r.system === 'numpy' && r.available);
  const meta = {
    date: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
    machine,
    loadavg_end: os.loadavg().map((x) => +x.toFixed(2)),
    numpyVersion: numpy?.version,
    options: { ...opts, selected },
  };
  const { markdown } = buildReport(meta, reports, selected);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify({ ...meta, workloads: WORKLOADS, systems: reports }, null, 2) + '\n');
  writeFileSync(path.join(RESULTS, 'latest.md'), markdown + '\n');
  console.log('\n' + markdown);
  console.log(`\nWritten: ${path.relative(ROOT, path.join(RESULTS, 'latest.md'))}, ${path.relative(ROOT, path.join(RESULTS, 'latest.json'))}`);
  if (runnable.length && !theano?.available) {
    console.error(`theano-ts did not run: ${theano?.reason}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(2);
});
