/**
 * Kernel side of the models every panel lists: `models/list` answers the models the notebook's globals hold
 * now, and after each cell `models/changed` tells the client what they look like (heldModels.ts finds them).
 * The engine is never loaded here.
 */
import type { MessageConnection } from 'vscode-jsonrpc';
import { ModelsChangedNotification, ModelsListRequest, type ModelSummary } from '../protocol';
import { heldModels, summarizeModel } from './heldModels';

export interface ModelsDeps {
  /** Names the notebook's cells declared so far. */
  globalNames(): readonly string[];
  /** Where the globals live (default globalThis). */
  scope?: object;
}

/** Registers `models/list`; the server calls `afterCell()` of the answer after every cell. */
export function registerModels(
  connection: Pick<MessageConnection, 'onRequest' | 'sendNotification'>,
  deps: ModelsDeps,
): ModelsNotifier {
  const notifier = new ModelsNotifier(connection, deps);
  connection.onRequest(ModelsListRequest.type, () => ({ models: notifier.summaries() }));
  return notifier;
}

export class ModelsNotifier {
  private lastSentCount = 0;

  constructor(
    private readonly connection: Pick<MessageConnection, 'sendNotification'>,
    private readonly deps: ModelsDeps,
  ) {}

  /** Sends `models/changed` when models exist now or existed at the last notice. */
  afterCell(): void {
    let models: ModelSummary[];
    try {
      models = this.summaries();
    } catch {
      return; // a broken global must never fail the cell that just ran
    }
    if (models.length === 0 && this.lastSentCount === 0) return;
    this.lastSentCount = models.length;
    void this.connection.sendNotification(ModelsChangedNotification.type, { models });
  }

  summaries(): ModelSummary[] {
    return heldModels(this.deps.globalNames(), this.deps.scope ?? globalThis).map(summarizeModel);
  }
}
