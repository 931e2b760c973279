/**
 * The frozen reference policy of DPO and PPO. A LoRA model is its own reference with the adapters switched off,
 * so no second copy of the base weights is held; a fully trained model gets a frozen copy of its weights at the
 * time the reference is taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import { create } from '../models/create';
import type { Model } from '../models/model';
import { loraState, withAdaptersDisabled } from '../tuners/lora/inject';
import { tokenLogprobs } from './logprobs';
import type { SequenceBatch } from './sequences';

export interface ReferencePolicy {
  readonly mode: 'adapters-disabled' | 'frozen-copy';
  /** Per-token completion log-probabilities [B, T-1] under the reference (no gradient). */
  tokenLogprobs(batch: SequenceBatch): tf.Tensor2D;
  dispose(): void;
}

export function referencePolicy(policy: Model): ReferencePolicy {
  if (loraState(policy)) {
    return {
      mode: 'adapters-disabled',
      tokenLogprobs: (batch) => withAdaptersDisabled(policy, () => tf.tidy(() => tokenLogprobs(policy, batch))),
      dispose: () => {},
    };
  }
  const copy = create(policy.config);
  for (const [name, variable] of copy.params) {
    const source = policy.params.get(name);
    if (!source) throw new RangeError(`reference copy: the policy has no parameter ${name}`);
    variable.assign(source);
    variable.trainable = false;
  }
  return {
    mode: 'frozen-copy',
    tokenLogprobs: (batch) => tf.tidy(() => tokenLogprobs(copy, batch)),
    dispose: () => copy.dispose(),
  };
}
