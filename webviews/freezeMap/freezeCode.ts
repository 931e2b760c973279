/**
 * The notebook code that reproduces a freeze map: unfreeze everything, then walk the tree from the
 * input and freeze (or unfreeze again) the largest modules whose state differs from their parent's.
 * A module frozen itself but holding trainable LoRA adapters becomes `freeze(module)` then
 * `unfreeze(adapter)`. Pure; the extension inserts the result as a cell.
 */
import type { ModelLayer } from '../../kernel/protocol';

type Op = { trainable: boolean; path: string };

export function freezeCode(modelName: string, layers: readonly ModelLayer[]): string {
  const ops: Op[] = [];
  const mixed: string[] = [];
  const visit = (layer: ModelLayer, inherited: boolean): void => {
    if (layer.params === 0) return;
    if (layer.trainableParams === layer.params || layer.trainableParams === 0) {
      const trainable = layer.trainableParams === layer.params;
      if (trainable !== inherited) ops.push({ trainable, path: layer.path });
      return;
    }
    const children = layer.children ?? [];
    const ownParams = layer.params - children.reduce((s, c) => s + c.params, 0);
    const ownTrainable = layer.trainableParams - children.reduce((s, c) => s + c.trainableParams, 0);
    let current = inherited;
    if (ownParams > 0) {
      if (ownTrainable !== 0 && ownTrainable !== ownParams) mixed.push(layer.path);
      else if ((ownTrainable === ownParams) !== inherited) {
        current = ownTrainable === ownParams;
        ops.push({ trainable: current, path: layer.path });
      }
    }
    for (const child of children) visit(child, current);
  };
  for (const layer of layers) visit(layer, true);

  const lines = [`import { freeze, unfreeze } from 'tunebook';`, `unfreeze(${modelName}, '**');`];
  for (const run of runs(ops)) {
    const call = run.trainable ? 'unfreeze' : 'freeze';
    lines.push(`${call}(${modelName}, [\n${run.paths.map((p) => `  ${JSON.stringify(p)},`).join('\n')}\n]);`);
  }
  for (const path of mixed)
    lines.push(
      `// ${path} is frozen only in part (some of its own parameters); set those with freeze(${modelName}, '${path}.<name>').`,
    );
  return lines.join('\n');
}

/** Consecutive operations of the same kind, as one call each (order matters: a parent's freeze precedes its child's unfreeze). */
function runs(ops: Op[]): { trainable: boolean; paths: string[] }[] {
  const grouped: { trainable: boolean; paths: string[] }[] = [];
  for (const op of ops) {
    const last = grouped[grouped.length - 1];
    if (last && last.trainable === op.trainable) last.paths.push(op.path);
    else grouped.push({ trainable: op.trainable, paths: [op.path] });
  }
  return grouped;
}
