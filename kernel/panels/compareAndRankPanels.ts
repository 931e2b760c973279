/** Registers the kernel handlers of the generation panels (ranking, prompt comparison) on a connection. */
import type { MessageConnection } from 'vscode-jsonrpc';
import { registerCompareHandlers } from './compareHandlers';
import type { GenerationDeps } from './compareModel';
import { registerRankHandlers } from './rankHandlers';

export function registerGenerationPanels(connection: Pick<MessageConnection, 'onRequest' | 'sendNotification'>, deps: GenerationDeps): void {
  registerRankHandlers(connection, deps);
  registerCompareHandlers(connection, deps);
}
