import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './kernel/engine/backend';
(async () => {
  const r = await initBackend('wasm'); console.log(r.device);
  const a = tf.randomNormal([18, 32], 0, 1, 'float32', 1); const b = tf.randomNormal([64, 32], 0, 1, 'float32', 2); const bias = tf.randomNormal([64], 0, 1, 'float32', 3);
  const ref = tf.add(tf.matMul(a, tf.transpose(b)), bias);
  const f1 = tf.fused.matMul({ a, b, transposeB: true, bias });
  const f2 = tf.fused.matMul({ a, b, transposeB: true });
  const f3 = tf.matMul(a, b, false, true);
  const bt = tf.transpose(b);
  const f4 = tf.fused.matMul({ a, b: bt, bias });
  const d = (x: tf.Tensor, y: tf.Tensor) => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0];
  console.log('fused T bias', d(f1, ref), 'fused T', d(tf.add(f2, bias), ref), 'matMul T', d(tf.add(f3, bias), ref), 'fused bias noT', d(f4, ref));
  const q = tf.randomNormal([2, 4, 9, 8]); const k = tf.randomNormal([2, 4, 9, 8]);
  const s1 = tf.matMul(q, k, false, true); const s2 = tf.matMul(q, tf.transpose(k, [0, 1, 3, 2]));
  console.log('batched T', d(s1, s2));
  await tf.setBackend('cpu');
})();
