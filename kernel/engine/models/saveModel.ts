import { writeHfFolder } from '../io/hfFolder';
import type { TensorEntry } from '../io/safetensors';
import type { TransformerModel } from './transformerModel';

/**
 * Writes the model as a Hugging Face folder: config.json (every default filled in, `architectures` = the head in
 * use), model.safetensors in float32 under the HF parameter names (a tied head is not written, as HF does), and
 * the tokenizer / preprocessor files it was loaded with.
 */
export async function saveModel(model: TransformerModel, dir: string): Promise<void> {
  const weights: TensorEntry[] = [];
  for (const [name, variable] of model.params) {
    const data = (await variable.data()) as Float32Array;
    weights.push({ name, dtype: 'F32', shape: variable.shape.slice(), data });
  }
  const config = {
    ...model.config,
    model_type: model.modelType,
    architectures: [model.architecture],
    torch_dtype: 'float32',
  };
  await writeHfFolder(dir, {
    config,
    weights,
    tokenizerJson: model.tokenizer?.toJson(),
    tokenizerConfig: model.tokenizer ? model.tokenizer.toConfigJson() : model.tokenizerConfig,
    preprocessorConfig: model.preprocessorConfig,
  });
}
