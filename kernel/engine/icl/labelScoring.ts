/**
 * Label scoring for in-context learning: the summed log-likelihood of each candidate continuation (a label's
 * verbaliser tokens) given the same prompt, from one batched forward pass over the candidate set:
 *   score(c) = Σ_j log p(cont_c[j] | prompt, cont_c[<j])
 * Rows are prompt ++ continuation, right-padded and masked, so the prompt positions are identical in every row.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model';

/** Reads back synchronously (cpu/wasm); `scoreContinuationsAsync` works on every backend. */
export function scoreContinuations(
  model: Model,
  promptIds: readonly number[],
  continuations: readonly (readonly number[])[],
  padId = 0,
): number[] {
  const { logProbs, owner } = continuationLogprobs(model, promptIds, continuations, padId);
  try {
    return sumByOwner(logProbs.dataSync(), owner, continuations.length);
  } finally {
    logProbs.dispose();
  }
}

/** `scoreContinuations` with one asynchronous read-back. */
export async function scoreContinuationsAsync(
  model: Model,
  promptIds: readonly number[],
  continuations: readonly (readonly number[])[],
  padId = 0,
): Promise<number[]> {
  const { logProbs, owner } = continuationLogprobs(model, promptIds, continuations, padId);
  try {
    return sumByOwner(await logProbs.data(), owner, continuations.length);
  } finally {
    logProbs.dispose();
  }
}

/** Each picked continuation token's log-probability [N], and the candidate (row) it belongs to. */
function continuationLogprobs(
  model: Model,
  promptIds: readonly number[],
  continuations: readonly (readonly number[])[],
  padId: number,
): { logProbs: tf.Tensor; owner: number[] } {
  if (promptIds.length === 0) throw new RangeError('label scoring needs a prompt of at least one token');
  if (continuations.length === 0) throw new RangeError('label scoring needs at least one candidate');
  continuations.forEach((c, i) => {
    if (c.length === 0) throw new RangeError(`candidate ${i} has no tokens (an empty verbaliser?)`);
  });
  const P = promptIds.length;
  const T = P + Math.max(...continuations.map((c) => c.length));
  const rows = continuations.map((c) => [...promptIds, ...c, ...new Array<number>(T - P - c.length).fill(padId)]);
  const mask = continuations.map((c) => rows[0].map((_, t) => (t < P + c.length ? 1 : 0)));
  // Position P+j-1 predicts continuation token j.
  const picks: number[][] = [];
  const owner: number[] = [];
  continuations.forEach((c, row) =>
    c.forEach((token, j) => {
      picks.push([row, P + j - 1, token]);
      owner.push(row);
    }),
  );
  const logProbs = tf.tidy(() => {
    const logits = model.logits(rows, { attentionMask: mask }); // [C, T, V]
    if (logits.rank !== 3)
      throw new RangeError(
        `label scoring needs a causal LM (logits [batch, seq, vocab]); ${model.architecture} gives rank ${logits.rank}`,
      );
    const scored = tf.logSoftmax(
      tf.gatherND(
        logits,
        picks.map(([row, position]) => [row, position]),
      ),
    ); // [N, V]: only the predicting positions
    return tf.gatherND(
      scored,
      picks.map(([, , token], i) => [i, token]),
    ); // [N]
  });
  return { logProbs, owner };
}

function sumByOwner(values: ArrayLike<number>, owner: readonly number[], count: number): number[] {
  const scores = new Array<number>(count).fill(0);
  owner.forEach((row, i) => (scores[row] += values[i]));
  return scores;
}
