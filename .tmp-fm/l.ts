import { initBackend } from '../kernel/engine/backend';
import { create } from '../kernel/engine/models/create';
import { lora } from '../kernel/engine/tuners/lora';
(async () => {
await initBackend('cpu');
const m = create({ model_type: 'gpt2', n_layer: 2, n_embd: 32, n_head: 2, vocab_size: 64, n_positions: 32 }, { seed: 1 });
lora(m, { r: 2 } as any);
const pr = (ls: any[], d=0) => { for (const l of ls) { console.log(' '.repeat(d*2)+l.path, l.kind, l.params, l.trainableParams); if (l.children && d<5) pr(l.children, d+1);} };
pr(m.layers()[0].children[2].children[0].children);
})();
