// Test support: the engine tests run on the tfjs cpu backend, or on the one TUNEBOOK_BACKEND names
// (e.g. `TUNEBOOK_BACKEND=wasm node --import tsx --test ...`), started through the engine's own backend module.
import { backendChoiceFromEnv, initBackend, type BackendReport } from '../../../../../kernel/engine/backends/ladder';

export async function useTestBackend(): Promise<BackendReport> {
  process.env.TUNEBOOK_BACKEND ||= 'cpu';
  return initBackend(backendChoiceFromEnv());
}
