/**
 * <ranking-view>: one prompt and its K candidates to rank, best first. Keyboard: ↑/↓ (or J/K) choose a
 * candidate, 1-9 give it that place (equal places are ties; pressing its place again clears it), S skips,
 * U or Ctrl+Z undoes, Enter submits once every candidate has a place. Mouse: drag a candidate to reorder
 * (a strict ranking by position), or click the place buttons under it. The extension stores each submission.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { RankingFromWebview, RankingItem, RankingProgress, RankingToWebview } from './messages';
import { rankingKeyAction } from './rankingKeys';
import {
  assignRank,
  displayOrder,
  initialRanking,
  isComplete,
  moveCandidate,
  nextUnranked,
  undo,
  type RankingState,
} from './rankingState';
import { rankingStyles } from './view.styles';

type RlhfJob = 'rewardModel' | 'policy';

export class RankingView extends LitElement {
  static override styles = rankingStyles;
  static override properties = {
    item: { state: true },
    progress: { state: true },
    annotator: { state: true },
    ranking: { state: true },
    focused: { state: true },
    idleMessage: { state: true },
    models: { state: true },
    busy: { state: true },
    error: { state: true },
    notice: { state: true },
    dragging: { state: true },
    dropPosition: { state: true },
    job: { state: true },
    jobOutcome: { state: true },
  };

  declare item: RankingItem | undefined;
  declare progress: RankingProgress | undefined;
  declare annotator: string;
  declare ranking: RankingState;
  declare focused: number;
  declare idleMessage: string;
  declare models: string[];
  declare busy: string | undefined;
  declare error: string | undefined;
  declare notice: string | undefined;
  declare dragging: number | undefined;
  declare dropPosition: number | undefined;
  /** The RLHF job running in the kernel, with its latest step. */
  declare job: { kind: RlhfJob; label: string; step: number; totalSteps: number; loss: number | undefined } | undefined;
  /** How the last RLHF job ended. */
  declare jobOutcome: { outcome: 'done' | 'failed' | 'cancelled'; message: string } | undefined;
  send: (message: RankingFromWebview) => void = () => undefined;

  constructor() {
    super();
    this.item = undefined;
    this.progress = undefined;
    this.annotator = '';
    this.ranking = initialRanking(0);
    this.focused = 0;
    this.idleMessage = 'Loading…';
    this.models = [];
    this.busy = undefined;
    this.error = undefined;
    this.notice = undefined;
    this.dragging = undefined;
    this.dropPosition = undefined;
    this.job = undefined;
    this.jobOutcome = undefined;
  }

  receive(message: RankingToWebview): void {
    switch (message.type) {
      case 'ranking/show':
        this.item = message.item;
        this.progress = message.progress;
        this.annotator = message.annotator;
        this.ranking = initialRanking(message.item.candidates.length);
        this.focused = 0;
        this.error = undefined;
        void this.updateComplete.then(() => this.focusCandidate(0));
        break;
      case 'ranking/idle':
        this.item = undefined;
        this.idleMessage = message.message;
        this.progress = message.progress;
        break;
      case 'ranking/models':
        this.models = message.models;
        break;
      case 'ranking/busy':
        this.busy = message.busy ? (message.message ?? 'Working…') : undefined;
        break;
      case 'ranking/saved':
        this.notice = `Saved (${message.pairs} pairs) to ${message.file}`;
        break;
      case 'ranking/error':
        this.error = message.message;
        break;
      case 'ranking/jobStarted':
        this.job = { kind: message.job, label: message.label, step: 0, totalSteps: 0, loss: undefined };
        this.jobOutcome = undefined;
        this.error = undefined;
        break;
      case 'ranking/jobProgress':
        if (this.job?.kind === message.job)
          this.job = { ...this.job, step: message.step, totalSteps: message.totalSteps, loss: message.loss };
        break;
      case 'ranking/jobEnded':
        this.job = undefined;
        this.jobOutcome = {
          outcome: message.outcome,
          message: message.outcome === 'cancelled' ? `Cancelled. ${message.message}` : message.message,
        };
        break;
    }
  }

  protected override render(): TemplateResult {
    return html`
      ${this.item ? this.renderItem(this.item) : this.renderIdle()}
      ${this.busy ? html`<div class="message info" role="status">${this.busy}</div>` : nothing}
      ${this.error ? html`<div class="message" role="alert">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="help saved" role="status">${this.notice}</div>` : nothing}
      ${this.renderTraining()} ${this.renderSources()}
    `;
  }

  /** "Train reward model" / "Optimise policy": jobs the kernel runs on the stored rankings. */
  private renderTraining(): TemplateResult {
    const job = this.job;
    const outcome = this.jobOutcome;
    return html`
      <section class="training" aria-label="Train on the rankings">
        <div class="label">Train on the rankings</div>
        <div class="toolbar">
          <vscode-button
            data-testid="train-reward-model"
            ?disabled=${!!job}
            @click=${() => this.send({ type: 'ranking/trainRewardModel' })}
            title="Train a reward model on .tunebook/rankings.jsonl in the kernel"
            >Train reward model</vscode-button
          >
          <vscode-button
            data-testid="optimise-policy"
            secondary
            ?disabled=${!!job}
            @click=${() => this.optimisePolicy()}
            title="DPO on a notebook model with the ranked pairs"
            >Optimise policy</vscode-button
          >
          <label class="check"><input id="lora" type="checkbox" ?disabled=${!!job} /> LoRA</label>
          ${job ? html`<vscode-button data-testid="cancel-job" secondary @click=${() => this.send({ type: 'ranking/cancelJob' })} title="Interrupts the kernel">Cancel</vscode-button>` : nothing}
        </div>
        ${job ? this.renderJob(job) : nothing}
        ${outcome ? html`<div class="message ${outcome.outcome === 'failed' ? '' : 'info'}" role=${outcome.outcome === 'failed' ? 'alert' : 'status'} data-testid="job-outcome">${outcome.message}</div>` : nothing}
      </section>
    `;
  }

  private renderJob(job: NonNullable<RankingView['job']>): TemplateResult {
    const steps = job.totalSteps ? `step ${job.step} of ${job.totalSteps}` : 'preparing…';
    return html`
      <div class="progress" aria-live="polite" data-testid="job-progress">
        <span>${job.label}</span>
        <span>${steps}${job.loss === undefined ? '' : ` · loss ${job.loss.toFixed(4)}`}</span>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-label=${job.label}
        aria-valuemin="0"
        aria-valuemax=${job.totalSteps}
        aria-valuenow=${job.step}
      >
        <div style="width: ${job.totalSteps ? ((job.step / job.totalSteps) * 100).toFixed(1) : 0}%"></div>
      </div>
    `;
  }

  private optimisePolicy(): void {
    const lora = this.renderRoot.querySelector<HTMLInputElement>('#lora')?.checked ?? false;
    this.send({ type: 'ranking/optimisePolicy', lora });
  }

  private renderProgress(): TemplateResult | typeof nothing {
    const p = this.progress;
    if (!p) return nothing;
    const done = p.ranked + p.skipped;
    return html`
      <div class="progress" aria-live="polite">
        <span class="position"
          >${this.item ? `Item ${Math.min(p.index + 1, p.total)} of ${p.total}` : `${p.total} items`}</span
        >
        <span class="counts">${p.ranked} ranked · ${p.skipped} skipped</span>
      </div>
      <div
        class="bar"
        role="progressbar"
        aria-label="Queue progress"
        aria-valuemin="0"
        aria-valuemax=${p.total}
        aria-valuenow=${done}
      >
        <div style="width: ${p.total ? ((done / p.total) * 100).toFixed(1) : 0}%"></div>
      </div>
    `;
  }

  private renderItem(item: RankingItem): TemplateResult {
    const order = displayOrder(this.ranking);
    const complete = isComplete(this.ranking);
    return html`
      ${this.renderProgress()}
      <div class="label">Prompt <span class="key">· ${item.origin}</span></div>
      <div class="prompt" data-testid="prompt">${item.prompt}</div>
      <div class="label">Candidates — best first</div>
      <ol class="candidates" role="listbox" aria-label="Candidates to rank" @keydown=${this.onKey}>
        ${repeat(
          order,
          (candidate) => candidate,
          (candidate, position) => this.renderCandidate(item, candidate, position),
        )}
      </ol>
      <div class="actions">
        <vscode-button ?disabled=${!complete || !!this.busy} @click=${() => this.submit()} title="Enter"
          >Submit</vscode-button
        >
        <vscode-button secondary @click=${() => this.skip()} title="S">Skip</vscode-button>
        <vscode-button
          secondary
          ?disabled=${this.ranking.history.length === 0}
          @click=${() => this.undo()}
          title="U or Ctrl+Z"
          >Undo</vscode-button
        >
      </div>
      <div class="help">
        <kbd>↑</kbd>/<kbd>↓</kbd> choose · <kbd>1</kbd>–<kbd>${item.candidates.length}</kbd> place (ties allowed) ·
        <kbd>S</kbd> skip · <kbd>U</kbd> undo · <kbd>Enter</kbd> submit · drag to reorder. Annotator: ${this.annotator}
      </div>
    `;
  }

  private renderCandidate(item: RankingItem, candidate: number, position: number): TemplateResult {
    const rank = this.ranking.ranks[candidate];
    const classes = [
      'candidate',
      this.dragging === candidate ? 'dragging' : '',
      this.dropPosition === position && this.dragging !== undefined ? 'drop-target' : '',
    ].join(' ');
    return html`
      <li
        class=${classes}
        role="option"
        tabindex=${this.focused === candidate ? 0 : -1}
        aria-selected=${this.focused === candidate}
        aria-label=${`Candidate ${candidate + 1}, ${rank ? `place ${rank}` : 'no place yet'}`}
        data-candidate=${candidate}
        draggable="true"
        @focus=${() => (this.focused = candidate)}
        @dragstart=${(e: DragEvent) => this.onDragStart(e, candidate)}
        @dragover=${(e: DragEvent) => this.onDragOver(e, position)}
        @drop=${(e: DragEvent) => this.onDrop(e, position)}
        @dragend=${() => this.endDrag()}
      >
        <span class="rank ${rank ? '' : 'unranked'}" aria-hidden="true">${rank ?? '–'}</span>
        <div class="body">
          <div class="key">Candidate ${candidate + 1}</div>
          <div class="text">${item.candidates[candidate]}</div>
          <div class="rank-buttons" role="group" aria-label=${`Place of candidate ${candidate + 1}`}>
            ${item.candidates.map(
              (_, r) =>
                html`<button tabindex="-1" aria-pressed=${rank === r + 1} @click=${() => this.rank(candidate, r + 1)}>
                  ${r + 1}
                </button>`,
            )}
          </div>
        </div>
      </li>
    `;
  }

  private renderIdle(): TemplateResult {
    return html`${this.renderProgress()}
      <div class="message info idle" role="status">${this.idleMessage}</div>`;
  }

  private renderSources(): TemplateResult {
    return html`
      <details ?open=${!this.item}>
        <summary>Queue and exports</summary>
        <div class="toolbar">
          <vscode-button secondary @click=${() => this.send({ type: 'ranking/loadQueue' })}
            >Load queue from JSONL…</vscode-button
          >
        </div>
        <form class="generate" @submit=${(e: Event) => this.generate(e)}>
          <label for="model">Model</label>
          <select id="model" name="model" ?disabled=${this.models.length === 0}>
            ${this.models.length ? this.models.map((m) => html`<option value=${m}>${m}</option>`) : html`<option value="">(run a cell that creates a model)</option>`}
          </select>
          <label for="count">Candidates</label><input id="count" name="count" type="number" min="2" max="9" value="3" />
          <label for="temperature">Temperature</label
          ><input id="temperature" name="temperature" type="number" min="0" max="10" step="0.1" value="0.9" />
          <label for="maxNewTokens">Max tokens</label
          ><input id="maxNewTokens" name="maxNewTokens" type="number" min="1" max="2048" value="32" />
          <textarea
            name="prompt"
            aria-label="Prompt to generate candidates for"
            placeholder="Prompt to sample candidates for"
          ></textarea>
          <vscode-button
            type="submit"
            ?disabled=${this.models.length === 0 || !!this.busy}
            @click=${(e: Event) => this.generate(e)}
            >Generate candidates</vscode-button
          >
        </form>
        <div class="toolbar">
          <vscode-button secondary @click=${() => this.send({ type: 'ranking/export', format: 'trl', merge: 'none' })}
            >Export TRL…</vscode-button
          >
          <vscode-button
            secondary
            @click=${() => this.send({ type: 'ranking/export', format: 'openai', merge: 'none' })}
            >Export OpenAI…</vscode-button
          >
          <vscode-button
            secondary
            @click=${() => this.send({ type: 'ranking/export', format: 'trl', merge: 'majority' })}
            >Export merged (majority)…</vscode-button
          >
          <vscode-button secondary @click=${() => this.send({ type: 'ranking/export', format: 'trl', merge: 'borda' })}
            >Export merged (Borda)…</vscode-button
          >
        </div>
      </details>
    `;
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.item) return;
    const action = rankingKeyAction(event, this.item.candidates.length);
    if (action.kind === 'none') return;
    event.preventDefault();
    event.stopPropagation();
    switch (action.kind) {
      case 'rank': {
        const candidate = this.focused;
        this.rank(candidate, action.rank);
        this.focusCandidate(nextUnranked(this.ranking, candidate));
        break;
      }
      case 'focus': {
        const order = displayOrder(this.ranking);
        const at = order.indexOf(this.focused);
        this.focusCandidate(order[(at + action.delta + order.length) % order.length]);
        break;
      }
      case 'skip':
        return this.skip();
      case 'undo':
        return this.undo();
      case 'submit':
        return this.submit();
    }
  }

  private rank(candidate: number, rank: number): void {
    this.ranking = assignRank(this.ranking, candidate, rank);
    this.notice = undefined;
  }

  private undo(): void {
    this.ranking = undo(this.ranking);
  }

  private submit(): void {
    if (!this.item || !this.progress || this.busy) return;
    if (!isComplete(this.ranking)) {
      this.error = 'Give every candidate a place (1 is best; equal places are ties) before submitting.';
      return;
    }
    this.error = undefined;
    this.send({ type: 'ranking/submit', index: this.progress.index, ranks: [...this.ranking.ranks] });
  }

  private skip(): void {
    if (!this.item || !this.progress) return;
    this.send({ type: 'ranking/skip', index: this.progress.index });
  }

  private focusCandidate(candidate: number): void {
    this.focused = candidate;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-candidate="${candidate}"]`)?.focus(),
    );
  }

  private onDragStart(event: DragEvent, candidate: number): void {
    this.dragging = candidate;
    event.dataTransfer?.setData('text/plain', String(candidate));
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  private onDragOver(event: DragEvent, position: number): void {
    if (this.dragging === undefined) return;
    event.preventDefault();
    this.dropPosition = position;
  }

  private onDrop(event: DragEvent, position: number): void {
    event.preventDefault();
    if (this.dragging !== undefined) this.ranking = moveCandidate(this.ranking, this.dragging, position);
    this.endDrag();
  }

  private endDrag(): void {
    this.dragging = undefined;
    this.dropPosition = undefined;
  }

  private generate(event: Event): void {
    event.preventDefault();
    const form = this.renderRoot.querySelector<HTMLFormElement>('form.generate');
    if (!form) return;
    const data = new FormData(form);
    const model = String(data.get('model') ?? '');
    const prompt = String(data.get('prompt') ?? '');
    if (!model) return void (this.error = 'Pick a model held by the notebook (run the cell that creates it first).');
    this.send({
      type: 'ranking/generate',
      model,
      prompt,
      count: clampInt(Number(data.get('count')), 2, 9, 3),
      sampling: {
        temperature: clampNumber(Number(data.get('temperature')), 0, 10, 0.9),
        maxNewTokens: clampInt(Number(data.get('maxNewTokens')), 1, 2048, 32),
      },
    });
  }
}

function clampInt(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function clampNumber(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

customElements.define('ranking-view', RankingView);
