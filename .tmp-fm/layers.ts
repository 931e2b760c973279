import '/work/main/node_modules/@tensorflow/tfjs-backend-cpu';
import { create } from '/work/main/kernel/engine/models/create';
const m = create({ model_type: 'gpt2', n_layer: 2, n_embd: 32, n_head: 2, vocab_size: 64, n_positions: 32 } as any);
const pr = (ls: any[], d=0) => { for (const l of ls) { console.log(' '.repeat(d*2)+l.path, l.kind, l.params, l.trainableParams, l.trainable); if (l.children && d<3) pr(l.children, d+1);} };
pr(m.layers());
console.log(m.architecture, m.modelType, [...m.params.keys()].slice(0,5));
