/**
 * <prompt-compare-view>: variants (template × model × decoding settings) as columns, inputs as rows.
 * Outputs stream in from the kernel; each cell shows latency, tokens and its score (exact match, contains,
 * regex), each column its aggregates; rows can be sorted by a column's score; 👍/👎 stores a rating.
 * Every control is a native or vscode-elements control, so Tab / Enter / Space reach all of them.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { SamplingSettings } from '../../kernel/protocol';
import type {
  CompareCell,
  CompareExportRow,
  CompareRow,
  CompareVariant,
  PromptCompareFromWebview,
  PromptCompareToWebview,
} from './messages';
import { thumbsDownIcon, thumbsUpIcon } from './icons';
import { applyTemplate } from './promptTemplate';
import { columnStats, compileScorerRegex, scoreOutput, type Scorer, type ScorerKind } from './scoring';
import { promptCompareStyles } from './view.styles';

interface CellState extends CompareCell {
  rating?: 1 | -1;
}

const VARIANT_NAMES = 'ABCDEFGHIJKL';
const DEFAULT_SAMPLING: SamplingSettings = { maxNewTokens: 16, temperature: 0 };

export class PromptCompareView extends LitElement {
  static override styles = promptCompareStyles;
  static override properties = {
    models: { state: true },
    notebook: { state: true },
    variants: { state: true },
    rows: { state: true },
    rowsOrigin: { state: true },
    cells: { state: true },
    runId: { state: true },
    running: { state: true },
    scorer: { state: true },
    sortColumn: { state: true },
    error: { state: true },
  };

  declare models: string[];
  declare notebook: string | undefined;
  declare variants: CompareVariant[];
  declare rows: CompareRow[];
  declare rowsOrigin: string;
  declare cells: Map<string, CellState>;
  declare runId: string;
  declare running: boolean;
  declare scorer: Scorer;
  declare sortColumn: number | undefined;
  declare error: string | undefined;
  send: (message: PromptCompareFromWebview) => void = () => undefined;
  private nextVariant = 0;

  constructor() {
    super();
    this.models = [];
    this.notebook = undefined;
    this.variants = [];
    this.rows = [];
    this.rowsOrigin = 'typed';
    this.cells = new Map();
    this.runId = '';
    this.running = false;
    this.scorer = { kind: 'none' };
    this.sortColumn = undefined;
    this.error = undefined;
  }

  receive(message: PromptCompareToWebview): void {
    switch (message.type) {
      case 'promptCompare/models':
        this.models = message.models;
        this.notebook = message.notebook;
        if (this.variants.length === 0 && this.models.length) {
          this.variants = [this.newVariant('{{input}}'), this.newVariant('Q: {{input}}\nA:')];
        } else {
          this.variants = this.variants.map((v) =>
            this.models.includes(v.model) || !this.models.length ? v : { ...v, model: this.models[0] },
          );
        }
        break;
      case 'promptCompare/rows':
        this.rows = message.rows;
        this.rowsOrigin = message.origin;
        this.cells = new Map();
        break;
      case 'promptCompare/cell':
        if (message.runId !== this.runId) return;
        this.cells = new Map(this.cells).set(key(message.cell.row, message.cell.column), {
          ...this.cells.get(key(message.cell.row, message.cell.column)),
          ...message.cell,
        });
        break;
      case 'promptCompare/runState':
        if (message.runId === this.runId) this.running = message.running;
        break;
      case 'promptCompare/rated': {
        const k = key(message.row, message.column);
        const cell = this.cells.get(k);
        if (cell) this.cells = new Map(this.cells).set(k, { ...cell, rating: message.rating });
        break;
      }
      case 'promptCompare/error':
        this.error = message.message;
        break;
    }
  }

  protected override render(): TemplateResult {
    return html`
      <h1>Compare prompts <span class="sub">${this.notebook ? `· kernel of ${this.notebook}` : ''}</span></h1>
      ${
        this.models.length === 0
          ? html`<div class="message info" role="status">
              No model in the notebook kernel yet. Run the cell that creates or loads a model, then reopen this panel.
            </div>`
          : nothing
      }
      ${this.error ? html`<div class="message" role="alert">${this.error}</div>` : nothing}
      <div class="label">Variants (columns)</div>
      <div class="variants">${this.variants.map((v, i) => this.renderVariantEditor(v, i))}</div>
      <div class="toolbar">
        <vscode-button
          secondary
          ?disabled=${this.models.length === 0 || this.variants.length >= VARIANT_NAMES.length}
          @click=${() => this.addVariant()}
          >Add variant</vscode-button
        >
      </div>
      <div class="label">Inputs (rows) <span class="sub">· ${this.rowsOrigin}</span></div>
      <div class="inputs">
        <textarea
          aria-label="Inputs, one per line; optionally input => expected"
          placeholder="One input per line. Optionally: input => expected output (for the scores)."
          .value=${this.rows.map((r) => (r.expected === undefined ? r.input : `${r.input} => ${r.expected}`)).join('\n')}
          @change=${(e: Event) => this.setTypedRows((e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </div>
      <div class="toolbar">
        <vscode-button secondary @click=${() => this.send({ type: 'promptCompare/loadRows', source: 'jsonl' })}
          >Load inputs from JSONL…</vscode-button
        >
        <input id="variable" aria-label="Notebook variable with the inputs" placeholder="variable name" size="12" />
        <vscode-button secondary @click=${() => this.loadVariable()}>From notebook variable</vscode-button>
      </div>
      <div class="toolbar">
        <vscode-button class="run" ?disabled=${this.running || this.models.length === 0} @click=${() => this.run()}
          >Run ${this.rows.length * this.variants.length} cells</vscode-button
        >
        <vscode-button
          secondary
          ?disabled=${!this.running}
          @click=${() => this.send({ type: 'promptCompare/cancel', runId: this.runId })}
          >Cancel</vscode-button
        >
        <label
          >Score
          <select
            aria-label="Scorer"
            @change=${(e: Event) => (this.scorer = { ...this.scorer, kind: (e.target as HTMLSelectElement).value as ScorerKind })}
          >
            ${(['none', 'exact', 'contains', 'regex'] as const).map((k) => html`<option value=${k} ?selected=${this.scorer.kind === k}>${scorerLabel(k)}</option>`)}
          </select></label
        >
        ${
          this.scorer.kind === 'regex'
            ? html`<input
                  aria-label="Regular expression"
                  placeholder="regex"
                  .value=${this.scorer.pattern ?? ''}
                  @input=${(e: Event) => (this.scorer = { ...this.scorer, pattern: (e.target as HTMLInputElement).value })}
                />
                ${typeof compileScorerRegex(this.scorer.pattern ?? '') === 'string' ? html`<span class="fail">${compileScorerRegex(this.scorer.pattern ?? '') as string}</span>` : nothing}`
            : nothing
        }
        <vscode-button secondary @click=${() => this.exportGrid('csv')}>Export CSV…</vscode-button>
        <vscode-button secondary @click=${() => this.exportGrid('jsonl')}>Export JSONL…</vscode-button>
      </div>
      ${this.renderGrid()}
    `;
  }

  private renderVariantEditor(v: CompareVariant, index: number): TemplateResult {
    const update = (patch: Partial<CompareVariant>) =>
      (this.variants = this.variants.map((x, i) => (i === index ? { ...x, ...patch } : x)));
    const sampling = (patch: Partial<SamplingSettings>) => update({ sampling: { ...v.sampling, ...patch } });
    return html`
      <div class="variant" data-variant=${v.id}>
        <div class="name">
          <span>Variant ${v.id}</span>
          <button
            class="link"
            aria-label=${`Remove variant ${v.id}`}
            ?disabled=${this.variants.length <= 1}
            @click=${() => (this.variants = this.variants.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
        <textarea
          aria-label=${`Template of variant ${v.id}; {{input}} is the row's input`}
          .value=${v.template}
          @input=${(e: Event) => update({ template: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
        <label>Model</label>
        <select
          aria-label=${`Model of variant ${v.id}`}
          @change=${(e: Event) => update({ model: (e.target as HTMLSelectElement).value })}
        >
          ${this.models.map((m) => html`<option value=${m} ?selected=${m === v.model}>${m}</option>`)}
        </select>
        <label>Temp.</label>
        <input
          type="number"
          min="0"
          max="10"
          step="0.1"
          aria-label=${`Temperature of variant ${v.id}`}
          .value=${String(v.sampling.temperature)}
          @change=${(e: Event) => sampling({ temperature: bounded((e.target as HTMLInputElement).valueAsNumber, 0, 10, 0) })}
        />
        <label>Max tok.</label>
        <input
          type="number"
          min="1"
          max="2048"
          aria-label=${`Max new tokens of variant ${v.id}`}
          .value=${String(v.sampling.maxNewTokens)}
          @change=${(e: Event) => sampling({ maxNewTokens: Math.round(bounded((e.target as HTMLInputElement).valueAsNumber, 1, 2048, 16)) })}
        />
        <label>Seed</label>
        <input
          type="number"
          aria-label=${`Seed of variant ${v.id}`}
          .value=${v.sampling.seed === undefined ? '' : String(v.sampling.seed)}
          @change=${(e: Event) => {
            const n = (e.target as HTMLInputElement).valueAsNumber;
            sampling({ seed: Number.isInteger(n) ? n : undefined });
          }}
        />
      </div>
    `;
  }

  private renderGrid(): TemplateResult | typeof nothing {
    if (this.rows.length === 0 || this.variants.length === 0) return nothing;
    const scored = this.rows.map((row, r) => this.variants.map((_, c) => this.cellWithScore(row, r, c)));
    const stats = this.variants.map((_, c) => columnStats(scored.map((cells) => cells[c])));
    let order = this.rows.map((_, r) => r);
    if (this.sortColumn !== undefined) {
      const c = this.sortColumn;
      order = [...order].sort((a, b) => (scored[b][c]?.score ?? -1) - (scored[a][c]?.score ?? -1) || a - b);
    }
    return html`
      <table aria-label="Comparison grid">
        <thead>
          <tr>
            <th scope="col">Input</th>
            ${this.variants.map(
              (v, c) =>
                html`<th scope="col" data-column=${c}>
                  Variant ${v.id} <span class="stats">· ${v.model} · T=${v.sampling.temperature}</span>
                  <div class="stats" data-testid="column-stats">
                    ${stats[c].score === undefined ? 'score –' : `score ${(stats[c].score! * 100).toFixed(0)}%`} ·
                    ${stats[c].meanLatencyMs === undefined ? '– ms' : `${stats[c].meanLatencyMs!.toFixed(0)} ms`} ·
                    ${stats[c].meanTokens === undefined ? '– tok' : `${stats[c].meanTokens!.toFixed(1)} tok`} ·
                    ${stats[c].done}/${this.rows.length}
                  </div>
                  <button
                    class="link"
                    aria-pressed=${this.sortColumn === c}
                    @click=${() => (this.sortColumn = this.sortColumn === c ? undefined : c)}
                  >
                    ${this.sortColumn === c ? 'Unsort' : 'Sort by score'}
                  </button>
                </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${order.map(
            (r) =>
              html`<tr data-row=${r}>
                <td class="input">
                  ${this.rows[r].input}${this.rows[r].expected !== undefined ? html`<div class="meta">expected: ${this.rows[r].expected}</div>` : nothing}
                </td>
                ${this.variants.map((v, c) => this.renderCell(r, c, v, scored[r][c]))}
              </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  private renderCell(
    r: number,
    c: number,
    v: CompareVariant,
    cell: (CellState & { score?: number }) | undefined,
  ): TemplateResult {
    if (!cell) return html`<td class="cell" data-cell=${key(r, c)}><div class="output"></div></td>`;
    const state = cell.error ? 'error' : cell.done ? 'done' : 'streaming';
    return html`<td class="cell ${state}" data-cell=${key(r, c)}>
      <div class="output ${state}">${cell.error ?? cell.text}</div>
      ${
        cell.done
          ? html`<div class="meta">
              <span>${cell.latencyMs?.toFixed(0) ?? '–'} ms · ${cell.tokens ?? 0} tok</span>
              ${cell.score === undefined ? nothing : html`<span class=${cell.score ? 'pass' : 'fail'}>${cell.score ? '✓ pass' : '✗ fail'}</span>`}
              ${
                cell.error
                  ? nothing
                  : html` <button
                        class="thumb up"
                        aria-label=${`Thumbs up for variant ${v.id}, input ${r + 1}`}
                        aria-pressed=${cell.rating === 1}
                        @click=${() => this.rate(r, c, 1)}
                      >
                        ${thumbsUpIcon}
                      </button>
                      <button
                        class="thumb down"
                        aria-label=${`Thumbs down for variant ${v.id}, input ${r + 1}`}
                        aria-pressed=${cell.rating === -1}
                        @click=${() => this.rate(r, c, -1)}
                      >
                        ${thumbsDownIcon}
                      </button>`
              }
            </div>`
          : nothing
      }
    </td>`;
  }

  private cellWithScore(row: CompareRow, r: number, c: number): (CellState & { score?: number }) | undefined {
    const cell = this.cells.get(key(r, c));
    if (!cell) return undefined;
    return cell.done && !cell.error ? { ...cell, score: scoreOutput(this.scorer, cell.text, row.expected) } : cell;
  }

  private newVariant(template: string): CompareVariant {
    const id = VARIANT_NAMES[this.nextVariant++ % VARIANT_NAMES.length];
    return { id, template, model: this.models[0] ?? '', sampling: { ...DEFAULT_SAMPLING } };
  }

  private addVariant(): void {
    const last = this.variants[this.variants.length - 1];
    const added = this.newVariant(last?.template ?? '{{input}}');
    this.variants = [...this.variants, last ? { ...added, model: last.model, sampling: { ...last.sampling } } : added];
  }

  private setTypedRows(text: string): void {
    this.rows = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const at = line.indexOf(' => ');
        return at < 0 ? { input: line } : { input: line.slice(0, at), expected: line.slice(at + 4) };
      });
    this.rowsOrigin = 'typed';
    this.cells = new Map();
  }

  private loadVariable(): void {
    const name = this.renderRoot.querySelector<HTMLInputElement>('#variable')?.value.trim() ?? '';
    this.send({ type: 'promptCompare/loadRows', source: 'variable', variable: name || undefined });
  }

  private run(): void {
    // The textarea's change event may not have fired yet when Run is clicked right after typing.
    const typed = this.renderRoot.querySelector<HTMLTextAreaElement>('.inputs textarea');
    if (typed && this.rowsOrigin === 'typed') this.setTypedRows(typed.value);
    if (this.rows.length === 0)
      return void (this.error =
        'Add at least one input (one per line), or load them from a JSONL file or a notebook variable.');
    this.error = undefined;
    this.runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.cells = new Map();
    this.running = true;
    this.send({ type: 'promptCompare/run', runId: this.runId, variants: this.variants, rows: this.rows });
  }

  private rate(r: number, c: number, rating: 1 | -1): void {
    const cell = this.cells.get(key(r, c));
    const variant = this.variants[c];
    if (!cell || !variant) return;
    this.send({
      type: 'promptCompare/rate',
      row: r,
      column: c,
      rating,
      prompt: applyTemplate(variant.template, this.rows[r].input),
      completion: cell.text,
      variant: variant.id,
      input: this.rows[r].input,
    });
  }

  private exportGrid(format: 'csv' | 'jsonl'): void {
    const rows: CompareExportRow[] = [];
    this.rows.forEach((row, r) =>
      this.variants.forEach((v, c) => {
        const cell = this.cellWithScore(row, r, c);
        if (!cell?.done) return;
        const out: CompareExportRow = {
          variant: v.id,
          template: v.template,
          model: v.model,
          input: row.input,
          output: cell.text,
        };
        if (row.expected !== undefined) out.expected = row.expected;
        if (cell.score !== undefined) out.score = cell.score;
        if (cell.latencyMs !== undefined) out.latencyMs = cell.latencyMs;
        if (cell.tokens !== undefined) out.tokens = cell.tokens;
        if (cell.error !== undefined) out.error = cell.error;
        rows.push(out);
      }),
    );
    this.send({ type: 'promptCompare/export', format, rows });
  }
}

function key(row: number, column: number): string {
  return `${row},${column}`;
}

function bounded(value: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function scorerLabel(kind: ScorerKind): string {
  return { none: 'none', exact: 'exact match', contains: 'contains expected', regex: 'regex' }[kind];
}

customElements.define('prompt-compare-view', PromptCompareView);
