export { qlora, quantizationReport } from './qlora';
export type { QloraOptions, QuantizationReport, QuantizedLayerReport } from './qlora';
export { NF4_CODES, NF4_MAX_HALF_GAP, quantizeNf4, dequantizeNf4 } from './nf4';
export { quantizeInt8, dequantizeInt8 } from './int8';
