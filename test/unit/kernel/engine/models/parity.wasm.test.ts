// Parity with the PyTorch reference on the wasm backend with the engine's kernels (cases in parityCases.ts).
// One thread: the threaded build keeps worker threads alive, so the test process would not exit.
import { parityTests } from './parityCases';

process.env.TUNEBOOK_THREADS = '1';
parityTests('wasm');
