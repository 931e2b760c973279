/**
 * The engine exports the kernel's panel handlers call. The engine is a separate bundle (dist/engine.js)
 * loaded by the cell runtime on first use, so its exports arrive untyped; `serverEngine` checks that each
 * function the handlers need is there before they see it typed as the engine's own signatures.
 */
import type * as Engine from '../engine/index';

export type ServerEngine = Pick<
  typeof Engine,
  'freeze' | 'unfreeze' | 'trainingStats' | 'preferences' | 'rewardModel' | 'dpo' | 'load' | 'lora' | 'ensureBackend'
>;

/** What the freeze map uses; it only ever asks an engine a cell already loaded. */
export type FreezeMapEngine = Pick<ServerEngine, 'freeze' | 'unfreeze' | 'trainingStats'>;

const SERVER_ENGINE_FUNCTIONS = [
  'freeze',
  'unfreeze',
  'trainingStats',
  'preferences',
  'rewardModel',
  'dpo',
  'load',
  'lora',
  'ensureBackend',
] as const satisfies ReadonlyArray<keyof ServerEngine>;

export class EngineSurfaceError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `The loaded Tunebook engine lacks ${missing.join(', ')}, which the kernel's panels need; ` +
        'the kernel and engine bundles are from different builds (rebuild with npm run build).',
    );
    this.name = 'EngineSurfaceError';
  }
}

/** The engine's exports as the handlers' typed surface; throws EngineSurfaceError naming what is missing. */
export function serverEngine(exports: Record<string, unknown>): ServerEngine {
  if (hasServerEngine(exports)) return exports;
  throw new EngineSurfaceError(SERVER_ENGINE_FUNCTIONS.filter((name) => typeof exports[name] !== 'function'));
}

function hasServerEngine(exports: Record<string, unknown>): exports is Record<string, unknown> & ServerEngine {
  return SERVER_ENGINE_FUNCTIONS.every((name) => typeof exports[name] === 'function');
}
