/**
 * The optimizer: registers the default rewrites in their phases and exposes
 * `optimize`, which `function()` calls with its Mode's query.
 */
import { algebraicIdentities, mergeDimShuffles, mergeReshapes, removeNoopCast, shapeFromInferShape, staticShapeI } from './canonicalize.js';
import { constantFolding } from './constantFolding.js';
import { rewriteDB } from './db.js';
import { mergeDuplicates } from './merge.js';
import { specializations } from './specialize.js';
import { blasSpecializations } from './blas.js';
import { stabilizations } from './stabilize.js';
import type { GraphPass } from './rewriter.js';
import { fuseElemwise } from './fusion.js';
import { inplaceElemwise, inplaceIncSubtensor } from './inplace.js';
import { fillRewrites } from './fill.js';
import { mulDivRewrites } from './mulDiv.js';
import { ifelseRewrites } from './ifelse.js';
import { scanHoistInvariants, scanKeepLast, scanPruneOutputs } from './scan.js';
import { nnetStabilizations } from './nnet.js';
import { scanForwardSequences, scanPushOutAccumulatedDots, scanPushOutSeqDots } from './scanPushOut.js';

const merge = (name: string): GraphPass => ({ name, apply: mergeDuplicates });

rewriteDB.registerPass(merge('merge'), 'merge', ['fast_run', 'fast_compile']);
for (const rw of [...algebraicIdentities, mergeDimShuffles, mergeReshapes, removeNoopCast]) rewriteDB.registerNode(rw, 'canonicalize', ['fast_run', 'fast_compile']);
rewriteDB.registerNode(constantFolding, 'canonicalize', ['fast_run', 'fast_compile']);
// Fill sinking and mul/div/neg normalisation (rewrite/fill.ts, rewrite/mulDiv.ts).
for (const rw of [...fillRewrites, ...mulDivRewrites]) rewriteDB.registerNode(rw, 'canonicalize', ['fast_run', 'fast_compile']);
for (const rw of ifelseRewrites) rewriteDB.registerNode(rw, 'canonicalize', ['fast_run', 'fast_compile', 'ifelse']);
rewriteDB.registerNode(scanHoistInvariants, 'canonicalize', ['fast_run', 'scan']);
rewriteDB.registerNode(scanPushOutSeqDots, 'canonicalize', ['fast_run', 'scan']);
rewriteDB.registerNode(scanForwardSequences, 'canonicalize', ['fast_run', 'scan']);
rewriteDB.registerNode(shapeFromInferShape, 'canonicalize');
rewriteDB.registerNode(staticShapeI, 'canonicalize');
for (const rw of stabilizations) rewriteDB.registerNode(rw, 'stabilize', ['fast_run', 'stable']);
for (const rw of nnetStabilizations) rewriteDB.registerNode(rw, 'stabilize', ['fast_run', 'stable', 'nnet']);
// After the loops' own rewrites (canonicalize), before the new products are specialized.
rewriteDB.registerPass(scanPushOutAccumulatedDots, 'stabilize', ['fast_run', 'scan']);
for (const rw of specializations) rewriteDB.registerNode(rw, 'specialize');
// BLAS: dot plus a scaled add → Gemm / Gemv / Ger (see rewrite/blas.ts).
for (const rw of blasSpecializations) rewriteDB.registerNode(rw, 'specialize', ['fast_run', 'blas']);
rewriteDB.registerPass(scanPruneOutputs, 'specialize', ['fast_run', 'scan']);
rewriteDB.registerPass(scanKeepLast, 'specialize', ['fast_run', 'scan']);
rewriteDB.registerPass(fuseElemwise, 'fusion', ['fast_run', 'fusion']);
rewriteDB.registerPass(inplaceElemwise, 'inplace', ['fast_run', 'inplace']);
rewriteDB.registerPass(inplaceIncSubtensor, 'inplace', ['fast_run', 'inplace']);
rewriteDB.registerPass(merge('finalMerge'), 'finalMerge', ['fast_run', 'fast_compile']);

export { rewriteDB, RewriteDB, PHASES, type Phase, type RewriteQuery, type PassReport } from './db.js';
export { P, match, uniformConstant, type Pattern, type Bindings } from './pattern.js';
export { nodeRewriter, patternRewriter, conform, RewriteTypeError, type NodeRewriter, type GraphPass } from './rewriter.js';
export { equilibrium } from './equilibrium.js';
export { fuseElemwise } from './fusion.js';
export { inplaceElemwise } from './inplace.js';
export { mergeDuplicates } from './merge.js';
export { constantFolding, CONSTANT_FOLDING_MAX_SIZE } from './constantFolding.js';
