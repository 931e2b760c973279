/**
 * The notebook code that reproduces a freeze map: unfreeze everything, then freeze the largest
 * modules that are entirely frozen. Pure; the extension inserts its result as a cell.
 */
import type { LayerNode } from '../protocol';

export function freezeCode(modelName: string, layers: readonly LayerNode[]): string {
  const frozen: string[] = [];
  const mixedLeaves: string[] = [];
  const visit = (layer: LayerNode): void => {
    if (layer.params === 0 || layer.trainableParams === layer.params) return;
    if (layer.trainableParams === 0) return void frozen.push(layer.path);
    if (layer.children?.length) layer.children.forEach(visit);
    else mixedLeaves.push(layer.path);
  };
  layers.forEach(visit);
  const lines = [`import { freeze, unfreeze } from 'tunebook';`, `unfreeze(${modelName}, '**');`];
  if (frozen.length > 0) lines.push(`freeze(${modelName}, [\n${frozen.map((p) => `  ${JSON.stringify(p)},`).join('\n')}\n]);`);
  for (const path of mixedLeaves) lines.push(`// ${path} is frozen only in part (some of its parameters); set those with freeze(${modelName}, '${path}.<name>').`);
  return lines.join('\n');
}
