import * as tf from '@tensorflow/tfjs-core';

/** How a parameter starts when the checkpoint does not supply it (Hugging Face `_init_weights` conventions). */
export type Init =
  | { kind: 'normal'; std: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Anything else (sinusoidal tables, an embedding with a zeroed padding row); called without a tidy. */
  | { kind: 'custom'; make: (shape: number[], seed: number | undefined) => tf.Tensor };

export interface ParamOptions {
  /** A task head (classifier, pooler, untied lm_head): may be freshly initialised when the checkpoint lacks it. */
  head?: boolean;
  trainable?: boolean;
}

/** Where parameter values come from: random init (`create`) or a checkpoint (`load`). */
export interface ParamValues {
  /** The stored values for a canonical name, or undefined to initialise it. Throws/records on mismatch. */
  take(name: string, shape: number[], opts: ParamOptions): Float32Array | undefined;
}

let modelCounter = 0;

/**
 * Creates the model's variables by Hugging Face parameter name. tfjs variable names are global, so each
 * variable is named `<model-id>/<hf name>`; the `params` map is keyed by the plain HF name.
 */
export class ParamStore {
  readonly params = new Map<string, tf.Variable>();
  readonly uid = `model${++modelCounter}`;
  private nextSeed: number | undefined;

  constructor(
    private readonly values?: ParamValues,
    seed?: number,
  ) {
    this.nextSeed = seed;
  }

  param(name: string, shape: number[], init: Init, opts: ParamOptions = {}): tf.Variable {
    if (this.params.has(name)) throw new Error(`internal: parameter ${name} created twice`);
    const stored = this.values?.take(name, shape, opts);
    const seed = this.nextSeed === undefined ? undefined : this.nextSeed++;
    const value = stored ? tf.tensor(stored, shape, 'float32') : initialValue(init, shape, seed);
    const variable = tf.variable(value, opts.trainable ?? true, `${this.uid}/${name}`, 'float32');
    value.dispose();
    this.params.set(name, variable);
    return variable;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

function initialValue(init: Init, shape: number[], seed: number | undefined): tf.Tensor {
  switch (init.kind) {
    case 'normal':
      return tf.randomNormal(shape, 0, init.std, 'float32', seed);
    case 'zeros':
      return tf.zeros(shape, 'float32');
    case 'ones':
      return tf.ones(shape, 'float32');
    case 'custom':
      return init.make(shape, seed);
  }
}

/** Hugging Face's `nn.Embedding` init: normal(0, std) with the `padding_idx` row zeroed. */
export function embeddingInit(std: number, paddingIdx?: number): Init {
  if (paddingIdx === undefined || paddingIdx === null) return { kind: 'normal', std };
  return {
    kind: 'custom',
    make: (shape, seed) =>
      tf.tidy(() => {
        const w = tf.randomNormal(shape, 0, std, 'float32', seed);
        if (paddingIdx < 0 || paddingIdx >= shape[0]) return w;
        const keep = tf.cast(tf.reshape(tf.oneHot([paddingIdx], shape[0]), [shape[0], 1]), 'float32');
        return tf.mul(w, tf.sub(1, keep));
      }),
  };
}
