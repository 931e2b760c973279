// Parity with the PyTorch reference on the native backend (OpenBLAS addon; cases in parityCases.ts). Skipped,
// with the build's reason, when the addon is not built.
import { describe, test } from 'node:test';
import { nativeSkipReason } from '../backends/native/nativeHarness';
import { parityTests } from './parityCases';

const skip = nativeSkipReason();
if (skip)
  describe('parity (native)', () => test('GPT-2, BERT, DistilBERT and ViT parity on native', { skip }, () => {}));
else parityTests('native');
