import { FreezeMapFromWebview, parseMessage, type FreezeMapFromWebview as F } from '../webviews/protocol';
const r = parseMessage(FreezeMapFromWebview, { type: 'freezeMap/setTrainable', paths: ['a', 3], trainable: 'x' });
console.log(r);
const ok = parseMessage(FreezeMapFromWebview, { type: 'freezeMap/preset', preset: 'unfreezeAll' });
if (ok.ok) { const m: F = ok.message; if (m.type === 'freezeMap/preset') console.log(m.preset); }
