/** Adds the model's last-run training statistics to each node of its layer tree (see `LayerTrainingStats`). */
import type { TrainingStats } from '../engine/train/trainingStats';
import type { LayerTrainingStats, ModelLayer } from '../protocol';

/** A copy of `layers` whose nodes carry `trainingStats` aggregated over the parameters under their path. */
export function withTrainingStats(layers: readonly ModelLayer[], stats: TrainingStats): ModelLayer[] {
  const params = [...stats.params];
  const annotate = (layer: ModelLayer): ModelLayer => {
    const out: ModelLayer = { ...layer };
    const aggregated = aggregate(params.filter(([name]) => name.startsWith(`${layer.path}.`)).map(([, s]) => s));
    if (aggregated) out.trainingStats = aggregated;
    if (layer.children) out.children = layer.children.map(annotate);
    return out;
  };
  return layers.map(annotate);
}

function aggregate(
  params: ReadonlyArray<{ gradNorm: number; deltaNorm: number; startNorm: number }>,
): LayerTrainingStats | undefined {
  if (params.length === 0) return undefined;
  let grad = 0;
  let delta = 0;
  let start = 0;
  for (const p of params) {
    grad += p.gradNorm ** 2;
    delta += p.deltaNorm ** 2;
    start += p.startNorm ** 2;
  }
  const deltaNorm = Math.sqrt(delta);
  return { gradNorm: Math.sqrt(grad), weightChange: start > 0 ? deltaNorm / Math.sqrt(start) : deltaNorm };
}
