/**
 * The RLHF losses as tensor functions (differentiable; call inside a tidy or a gradient closure):
 * Bradley–Terry for reward models, DPO's sigmoid loss, PPO's clipped surrogate and clipped value loss.
 */
import * as tf from '@tensorflow/tfjs-core';

/** mean −log σ(r_chosen − r_rejected); scores [B]. */
export function bradleyTerryLoss(chosen: tf.Tensor, rejected: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(tf.sub(chosen, rejected)))) as tf.Scalar);
}

export interface DpoLossParts {
  loss: tf.Scalar;
  /** β (log π(y_w) − log π_ref(y_w)) per pair [B]. */
  chosenRewards: tf.Tensor1D;
  /** β (log π(y_l) − log π_ref(y_l)) per pair [B]. */
  rejectedRewards: tf.Tensor1D;
}

/**
 * Sigmoid DPO (Rafailov et al. 2023): mean −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]).
 * Inputs are summed completion log-probabilities [B].
 */
export function dpoLoss(
  policyChosen: tf.Tensor,
  policyRejected: tf.Tensor,
  refChosen: tf.Tensor,
  refRejected: tf.Tensor,
  beta: number,
): DpoLossParts {
  return tf.tidy(() => {
    const chosenRewards = tf.mul(beta, tf.sub(policyChosen, refChosen)) as tf.Tensor1D;
    const rejectedRewards = tf.mul(beta, tf.sub(policyRejected, refRejected)) as tf.Tensor1D;
    const loss = tf.mean(tf.softplus(tf.neg(tf.sub(chosenRewards, rejectedRewards)))) as tf.Scalar;
    return { loss, chosenRewards, rejectedRewards };
  });
}

export interface SurrogateParts {
  /** −mean over valid tokens of min(ρA, clip(ρ, 1−ε, 1+ε)A), ρ = exp(logp − oldLogp). */
  loss: tf.Scalar;
  /** Share of valid tokens where the clipped term was the smaller one (the update was cut). */
  clipFraction: tf.Scalar;
}

/** PPO's clipped surrogate (Schulman et al. 2017). All inputs [B, T]; mask 1 = a completion token. */
export function clippedSurrogate(
  logp: tf.Tensor,
  oldLogp: tf.Tensor,
  advantages: tf.Tensor,
  mask: tf.Tensor,
  clip: number,
): SurrogateParts {
  return tf.tidy(() => {
    const m = tf.cast(mask, 'float32');
    const count = tf.maximum(tf.sum(m), 1);
    const ratio = tf.exp(tf.sub(logp, oldLogp));
    const unclipped = tf.mul(ratio, advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), advantages);
    const objective = tf.minimum(unclipped, clipped);
    const loss = tf.neg(tf.div(tf.sum(tf.mul(objective, m)), count)) as tf.Scalar;
    const cut = tf.cast(tf.greater(tf.neg(clipped), tf.neg(unclipped)), 'float32');
    const clipFraction = tf.div(tf.sum(tf.mul(cut, m)), count) as tf.Scalar;
    return { loss, clipFraction };
  });
}

/** ½ mean over valid tokens of max((V − R)², (clip(V, V_old ± ε) − R)²), TRL's clipped value loss. */
export function clippedValueLoss(
  values: tf.Tensor,
  oldValues: tf.Tensor,
  returns: tf.Tensor,
  mask: tf.Tensor,
  clip: number,
): tf.Scalar {
  return tf.tidy(() => {
    const m = tf.cast(mask, 'float32');
    const clippedValues = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -clip, clip));
    const worst = tf.maximum(tf.square(tf.sub(values, returns)), tf.square(tf.sub(clippedValues, returns)));
    return tf.mul(0.5, tf.div(tf.sum(tf.mul(worst, m)), tf.maximum(tf.sum(m), 1))) as tf.Scalar;
  });
}

/** Mean entropy of the next-token distributions at valid positions; logits [B, T, V], mask [B, T]. */
export function maskedEntropy(logits: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), -1)); // [B, T]
    const m = tf.cast(mask, 'float32');
    return tf.div(tf.sum(tf.mul(entropy, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}
