/**
 * A frozen weight kept only in quantised form (NF4 with optional double-quantised scales, or int8), rebuilt as a
 * float32 tensor on every forward. The float weight variable is disposed; these buffers are all that remains.
 */
import { dequantizeInt8, int8Bytes, quantizeInt8, type Int8Data } from './int8';
import { dequantizeNf4, quantizeNf4, type Nf4Data } from './nf4';

export const DOUBLE_QUANT_BLOCK = 256;

export type QuantFormat = 'nf4' | 'int8';

export class QuantizedWeight {
  private constructor(
    readonly format: QuantFormat,
    readonly shape: number[],
    private readonly nf4?: Nf4Data,
    /** Double quantisation: the NF4 block scales as int8 (then `nf4.absmax` is empty). */
    private readonly scales?: Int8Data,
    private readonly int8?: Int8Data,
  ) {}

  static quantize(
    values: Float32Array,
    shape: number[],
    bits: 4 | 8,
    blockSize: number,
    doubleQuant: boolean,
  ): QuantizedWeight {
    if (bits === 8) return new QuantizedWeight('int8', shape, undefined, undefined, quantizeInt8(values, blockSize));
    const nf4 = quantizeNf4(values, blockSize);
    if (!doubleQuant) return new QuantizedWeight('nf4', shape, nf4);
    const mean = nf4.absmax.reduce((s, a) => s + a, 0) / Math.max(1, nf4.absmax.length);
    const scales = quantizeInt8(nf4.absmax, DOUBLE_QUANT_BLOCK, mean);
    return new QuantizedWeight('nf4', shape, { ...nf4, absmax: new Float32Array(0) }, scales);
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get doubleQuant(): boolean {
    return this.scales !== undefined;
  }

  /** Bytes of the stored buffers (codes + scales). */
  get storedBytes(): number {
    if (this.int8) return int8Bytes(this.int8);
    const nf4 = this.nf4!;
    return nf4.packed.byteLength + (this.scales ? int8Bytes(this.scales) : nf4.absmax.byteLength);
  }

  dequantize(): Float32Array {
    if (this.int8) return dequantizeInt8(this.int8);
    const nf4 = this.nf4!;
    return dequantizeNf4(nf4, this.scales ? dequantizeInt8(this.scales) : nf4.absmax);
  }
}
