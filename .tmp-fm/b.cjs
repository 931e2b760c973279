process.env.TUNEBOOK_BACKEND='auto';
const e = require('/work/main/dist/engine.js');
(async () => { const r = await e.ensureBackend(); console.log(r.name ?? r); const m = e.create({ model_type: 'gpt2', n_layer: 2, n_embd: 32, n_head: 2, vocab_size: 64, n_positions: 32 }); console.log(m.layers().length); })();
