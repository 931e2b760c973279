/**
 * The freeze map's model of a network, built from `layers()`: the embeddings (modules before the
 * transformer block list), each block with its parts (attention, MLP, norms), the head (modules after
 * the blocks) and the LoRA adapters inside them. Pure data: the view draws it, the extension uses it
 * for the toolbar presets.
 */
import type { LayerTrainingStats, ModelLayer } from '../../kernel/protocol';

export const ADAPTER_KIND = 'LoraAdapter';

export type LayerState = 'trainable' | 'frozen' | 'partial' | 'empty';

export interface DiagramItem {
  path: string;
  /** Last path segment, e.g. `attn`, `wte`, `0`. */
  label: string;
  kind: string;
  /** Parameters of the module itself, without the adapters drawn inside it. */
  params: number;
  trainableParams: number;
  state: LayerState;
  /** LoRA adapters inside this module, drawn as chips of their own. */
  adapters: DiagramItem[];
  isAdapter: boolean;
  /** From the model's last training run, over the whole subtree (adapters inside included). */
  trainingStats?: LayerTrainingStats;
}

export interface DiagramBlock extends DiagramItem {
  parts: DiagramItem[];
}

export interface Diagram {
  embeddings: DiagramItem[];
  blocks: DiagramBlock[];
  head: DiagramItem[];
  params: number;
  trainableParams: number;
}

export function buildDiagram(layers: readonly ModelLayer[]): Diagram {
  const params = layers.reduce((sum, l) => sum + l.params, 0);
  const trainableParams = layers.reduce((sum, l) => sum + l.trainableParams, 0);
  const found = findBlockList(layers);
  if (!found) return { embeddings: layers.map(toItem), blocks: [], head: [], params, trainableParams };
  const blocks = (found.list.children ?? []).map((block): DiagramBlock => ({
    ...toItem(block),
    parts: (block.children ?? []).filter((c) => c.kind !== ADAPTER_KIND).map(toItem),
  }));
  return { embeddings: found.before.map(toItem), blocks, head: found.after.map(toItem), params, trainableParams };
}

export function stateOf(params: number, trainableParams: number): LayerState {
  if (params === 0) return 'empty';
  if (trainableParams === 0) return 'frozen';
  return trainableParams === params ? 'trainable' : 'partial';
}

/** Every clickable item in reading order (input to output): what arrow keys walk through. */
export function itemsInOrder(diagram: Diagram): DiagramItem[] {
  const withAdapters = (item: DiagramItem): DiagramItem[] => [item, ...item.adapters];
  return [
    ...diagram.embeddings.flatMap(withAdapters),
    ...diagram.blocks.flatMap((b) => [...withAdapters(b), ...b.parts.flatMap(withAdapters)]),
    ...diagram.head.flatMap(withAdapters),
  ];
}

/** Paths to freeze so everything from the input up to and including `path` is frozen. */
export function freezeUpToPaths(diagram: Diagram, path: string): string[] {
  const paths: string[] = [];
  const sections: DiagramItem[][] = [diagram.embeddings, diagram.blocks, diagram.head];
  for (const section of sections) {
    for (const item of section) {
      if (item.path === path || item.adapters.some((a) => a.path === path)) return [...paths, item.path];
      const parts = (item as Partial<DiagramBlock>).parts ?? [];
      const partIndex = parts.findIndex((p) => p.path === path || p.adapters.some((a) => a.path === path));
      if (partIndex >= 0) return [...paths, ...parts.slice(0, partIndex + 1).map((p) => p.path)];
      paths.push(item.path);
    }
  }
  return [];
}

/** Modules of the head section that have parameters of their own. */
export function headPaths(diagram: Diagram): string[] {
  return diagram.head
    .filter((item) => item.params + item.adapters.reduce((s, a) => s + a.params, 0) > 0)
    .map((item) => item.path);
}

/** Embeddings and blocks: what "freeze all but head" freezes. */
export function bodyPaths(diagram: Diagram): string[] {
  return [...diagram.embeddings, ...diagram.blocks].map((item) => item.path);
}

function toItem(layer: ModelLayer): DiagramItem {
  const isAdapter = layer.kind === ADAPTER_KIND;
  const adapters = isAdapter ? [] : collectAdapters(layer.children ?? []).map(toItem);
  const adapterParams = adapters.reduce((s, a) => s + a.params, 0);
  const adapterTrainable = adapters.reduce((s, a) => s + a.trainableParams, 0);
  const params = layer.params - adapterParams;
  const trainableParams = layer.trainableParams - adapterTrainable;
  const item: DiagramItem = {
    path: layer.path,
    label: layer.path.split('.').pop() ?? layer.path,
    kind: layer.kind,
    params,
    trainableParams,
    state: stateOf(params, trainableParams),
    adapters,
    isAdapter,
  };
  if (layer.trainingStats) item.trainingStats = layer.trainingStats;
  return item;
}

function collectAdapters(children: readonly ModelLayer[]): ModelLayer[] {
  return children.flatMap((c) => (c.kind === ADAPTER_KIND ? [c] : collectAdapters(c.children ?? [])));
}

/** The first ModuleList with children in pre-order, with the modules before and after it (as freeze's `firstBlocks` sees them). */
function findBlockList(
  roots: readonly ModelLayer[],
): { list: ModelLayer; before: ModelLayer[]; after: ModelLayer[] } | undefined {
  const search = (
    siblings: readonly ModelLayer[],
    before: ModelLayer[],
  ): { list: ModelLayer; before: ModelLayer[]; after: ModelLayer[] } | undefined => {
    for (const [i, layer] of siblings.entries()) {
      const preceding = [...before, ...siblings.slice(0, i)];
      if (layer.kind === 'ModuleList' && (layer.children?.length ?? 0) > 0)
        return { list: layer, before: preceding, after: siblings.slice(i + 1) };
      if (layer.children?.length) {
        const inner = search(layer.children, preceding);
        if (inner) return { ...inner, after: [...inner.after, ...siblings.slice(i + 1)] };
      }
    }
    return undefined;
  };
  return search(roots, []);
}
