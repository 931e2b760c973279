/** Registers the kernel handlers of the generation panels (ranking, prompt comparison) on a connection. */
import type { MessageConnection } from 'vscode-jsonrpc';
import { registerCompareHandlers } from './promptCompare';
import type { GenerationDeps } from './generationDeps';
import { registerRankHandlers } from './ranking';

export function registerGenerationPanels(connection: Pick<MessageConnection, 'onRequest' | 'sendNotification'>, deps: GenerationDeps): void {
  registerRankHandlers(connection, deps);
  registerCompareHandlers(connection, deps);
}
