/**
 * `qlora(model, options)`: stores the frozen weights of the targeted Linear / Conv1D layers (or of every linear
 * layer with `quantizeAll`) as NF4 (`bits: 4`) or blockwise int8 (`bits: 8`), disposes their float32 variables,
 * dequantises them inside each forward, and adds float32 LoRA adapters on top (see ../lora).
 * `quantizationReport(model)` compares the weights' float32 size with the stored buffers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dense, type Linear } from '../../models/blocks';
import type { Model } from '../../models/model';
import { isModuleToSave, isTarget, resolveLoraConfig, type LoraOptions } from '../lora/config';
import { lora, loraState, type LoraSummary } from '../lora/inject';
import { AdapterError } from '../lora/loraError';
import { linearModules, quantizedLinears, transformerOf } from '../lora/modelAccess';
import { QuantizedWeight, type QuantFormat } from './quantizedWeight';

export interface QloraOptions extends LoraOptions {
  /** 4: NF4 (default), 8: blockwise int8. */
  bits?: 4 | 8;
  /** Weights per absmax block (default 64). */
  blockSize?: number;
  /** NF4 only: store the block scales as int8 in blocks of 256 (default false). */
  doubleQuant?: boolean;
  /** Quantise every linear layer (except modulesToSave), not only the LoRA targets (default false). */
  quantizeAll?: boolean;
}

export interface QuantizedLayerReport {
  path: string;
  format: QuantFormat;
  shape: number[];
  float32Bytes: number;
  storedBytes: number;
}

export interface QuantizationReport {
  layers: QuantizedLayerReport[];
  /** The quantised weights as float32 (before). */
  float32Bytes: number;
  /** Their stored buffers (after). */
  storedBytes: number;
  /** float32Bytes / storedBytes. */
  ratio: number;
  /** Parameters still held as float32 variables (biases, norms, embeddings, adapters). */
  otherFloat32Bytes: number;
}

const quantized = new WeakMap<Model, Array<{ linear: Linear; weight: QuantizedWeight }>>();

export function qlora(model: Model, options: QloraOptions = {}): LoraSummary & { quantization: QuantizationReport } {
  const tm = transformerOf(model, 'qlora');
  if (loraState(model) || quantized.has(model))
    throw new AdapterError('qlora needs a model without adapters or quantised layers; load a fresh one');
  const bits = options.bits ?? 4;
  if (bits !== 4 && bits !== 8) throw new AdapterError(`qlora bits must be 4 (NF4) or 8 (int8), got ${bits}`);
  const blockSize = options.blockSize ?? 64;
  if (!Number.isSafeInteger(blockSize) || blockSize < 2 || blockSize % 2 !== 0)
    throw new AdapterError(`qlora blockSize must be an even integer ≥ 2, got ${blockSize}`);
  if (options.doubleQuant && bits !== 4) throw new AdapterError('doubleQuant applies to 4-bit (NF4) quantisation only');
  const config = resolveLoraConfig(options, tm.modelType, tm.architecture);
  const chosen = linearModules(tm).filter(
    (l) => !isModuleToSave(l.path, config.modulesToSave) && (options.quantizeAll || isTarget(l.path, config)),
  );
  if (!linearModules(tm).some((l) => isTarget(l.path, config) && !isModuleToSave(l.path, config.modulesToSave)))
    throw new AdapterError(`qlora: LoRA targets ${JSON.stringify(config.targets)} match no Linear/Conv1D layer`);

  const records: Array<{ linear: Linear; weight: QuantizedWeight }> = [];
  for (const linear of chosen) {
    const weight = QuantizedWeight.quantize(
      linear.weight.dataSync() as Float32Array,
      linear.weight.shape.slice(),
      bits,
      blockSize,
      options.doubleQuant === true,
    );
    records.push({ linear, weight });
  }
  for (const { linear, weight } of records) {
    const transposeW = linear.layout === 'out_in';
    linear.forward = (x) => dense(x, tf.tensor(weight.dequantize(), weight.shape, 'float32'), linear.bias, transposeW);
    quantizedLinears.add(linear);
    const name = [...tm.params].find(([, v]) => v === linear.weight)?.[0];
    if (name) tm.params.delete(name);
    linear.weight.dispose();
  }
  quantized.set(model, records);
  Object.defineProperty(model, 'save', {
    configurable: true,
    value: () =>
      Promise.reject(
        new AdapterError(
          'a QLoRA model keeps its base weights quantised and cannot be saved as a full checkpoint; save the adapters with saveAdapter(model, dir)',
        ),
      ),
  });
  const summary = lora(model, options);
  return { ...summary, quantization: quantizationReport(model) };
}

export function quantizationReport(model: Model): QuantizationReport {
  const records = quantized.get(model) ?? [];
  const layers = records.map(({ linear, weight }) => ({
    path: linear.path,
    format: weight.format,
    shape: weight.shape,
    float32Bytes: 4 * weight.size,
    storedBytes: weight.storedBytes,
  }));
  const float32Bytes = layers.reduce((s, l) => s + l.float32Bytes, 0);
  const storedBytes = layers.reduce((s, l) => s + l.storedBytes, 0);
  let otherFloat32Bytes = 0;
  for (const v of model.params.values()) otherFloat32Bytes += 4 * v.size;
  return {
    layers,
    float32Bytes,
    storedBytes,
    ratio: storedBytes === 0 ? 1 : float32Bytes / storedBytes,
    otherFloat32Bytes,
  };
}
