/**
 * How functions compile the inner graphs of their ops (scan's loop body):
 * at link time, once, rewritten and linked as the outer function is (its
 * mode), or with the op's own mode when it names one. The op receives this
 * as its LinkContext (see Op.makeThunk).
 */
import { FunctionGraph } from '../graph/fgraph.js';
import type { InnerFunction, LinkContext } from '../graph/op.js';
import { link } from '../link/linkers.js';
import { rewriteDB } from '../rewrite/index.js';
import { Mode, resolveMode } from './mode.js';
import { ProfileStats } from './profile.js';

/** The LinkContext of functions compiled with `mode`. */
export function linkContext(mode: Mode): LinkContext {
  const context: LinkContext = {
    compileInner(fgraph, options = {}): InnerFunction {
      const own = options.mode === undefined || options.mode === null ? mode : options.mode instanceof Mode ? options.mode : resolveMode(String(options.mode));
      // A copy to rewrite: the op keeps its graph as written (its reference `perform` runs that).
      const graph = new FunctionGraph(fgraph.inputs, fgraph.outputs);
      rewriteDB.optimize(graph, { optimizer: own.optimizer, including: own.including, excluding: own.excluding });
      const profile = options.profile ? new ProfileStats(options.name ?? 'inner graph') : null;
      const innerContext = own === mode ? context : linkContext(own);
      // DebugMode checks an op with an inner graph as a whole (its compiled body against its perform).
      const vm = link(own.linker, graph, profile, innerContext);
      return { run: (inputs) => vm.run(inputs), dropBuffers: () => vm.dropBuffers(), profile };
    },
  };
  return context;
}
