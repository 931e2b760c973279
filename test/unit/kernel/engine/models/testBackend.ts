// Test support: the engine tests run on the tfjs cpu backend, or on the one TUNEBOOK_BACKEND names
// (e.g. `TUNEBOOK_BACKEND=wasm node --import tsx --test ...`), started through the engine's own backend module.
// TUNEBOOK_TEST_BACKEND does the same for the suite's "engine on native" phase (scripts/test.mjs).
import { backendChoiceFromEnv, initBackend, type BackendReport } from '../../../../../kernel/engine/backends/ladder';

export async function useTestBackend(): Promise<BackendReport> {
  process.env.TUNEBOOK_BACKEND ||= process.env.TUNEBOOK_TEST_BACKEND || 'cpu';
  return initBackend(backendChoiceFromEnv());
}
