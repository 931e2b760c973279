import type { Module } from './blocks';
import type { LayerInfo } from './model';

/** The module tree as `LayerInfo`s: paths mirror Hugging Face names, counts cover each subtree. */
export function describeLayers(modules: readonly Module[]): LayerInfo[] {
  return modules.map(describe);
}

function describe(module: Module): LayerInfo {
  const children = module.children().map(describe);
  let params = 0;
  let trainableParams = 0;
  for (const v of module.ownParams()) {
    params += v.size;
    if (v.trainable) trainableParams += v.size;
  }
  for (const c of children) {
    params += c.params;
    trainableParams += c.trainableParams;
  }
  const info: LayerInfo = {
    path: module.path,
    kind: module.kind,
    params,
    trainableParams,
    trainable: params > 0 && trainableParams === params,
  };
  if (children.length > 0) info.children = children;
  return info;
}
