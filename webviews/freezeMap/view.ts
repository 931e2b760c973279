/**
 * <freeze-map-view>: draws the model's embeddings, blocks (attention, MLP, norms), head and LoRA
 * adapters, coloured by state, with a trainable-parameters bar. Click or Space/Enter toggles a module,
 * Shift+click or Shift+Enter freezes everything from the input up to it; arrow keys move between modules.
 * It only asks: every change goes to the extension, which applies it in the kernel and sends the new state.
 * "Show what learned" recolours the modules by relative weight change or gradient norm of the last training run.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ModelLayer, ModelSummary } from '../../kernel/protocol';
import type { FreezeMapFromWebview, FreezeMapToWebview } from './messages';
import {
  buildDiagram,
  freezeUpToPaths,
  itemsInOrder,
  type Diagram,
  type DiagramBlock,
  type DiagramItem,
} from './diagram';
import { formatCount } from '../common/formatCount';
import { freezeMapStyles } from './view.styles';
import { formatHeat, hasTrainingStats, HEAT_METRICS, heatMax, heatShare, type HeatMetric } from './heatmap';

export class FreezeMapView extends LitElement {
  static override styles = freezeMapStyles;
  static override properties = {
    model: { state: true },
    diagram: { state: true },
    busy: { state: true },
    error: { state: true },
    unavailable: { state: true },
    focusedPath: { state: true },
    showLearned: { state: true },
    heatMetric: { state: true },
  };

  declare model: ModelSummary | undefined;
  declare diagram: Diagram | undefined;
  declare busy: boolean;
  declare error: string | undefined;
  declare unavailable: string | undefined;
  declare focusedPath: string | undefined;
  declare showLearned: boolean;
  declare heatMetric: HeatMetric;
  /** The heatmap's metric and scale while "Show what learned" is on; set by render() for item(). */
  private heat: { metric: HeatMetric; max: number } | undefined;
  /** Where the view's requests go (set by index.ts). */
  send: (message: FreezeMapFromWebview) => void = () => undefined;

  constructor() {
    super();
    this.model = undefined;
    this.diagram = undefined;
    this.busy = false;
    this.error = undefined;
    this.unavailable = undefined;
    this.focusedPath = undefined;
    this.showLearned = false;
    this.heatMetric = 'weightChange';
  }

  /** Applies a message from the extension. */
  receive(message: FreezeMapToWebview): void {
    switch (message.type) {
      case 'freezeMap/show':
        this.model = message.model;
        this.diagram = buildDiagram(message.layers as ModelLayer[]);
        this.unavailable = undefined;
        this.error = undefined;
        break;
      case 'freezeMap/unavailable':
        this.unavailable = message.message;
        break;
      case 'freezeMap/error':
        this.error = message.message;
        break;
      case 'freezeMap/busy':
        this.busy = message.busy;
        break;
    }
  }

  protected override render(): TemplateResult {
    const { model, diagram } = this;
    if (!model || !diagram) {
      return html`${this.unavailable ? html`<div class="message info" role="status">${this.unavailable}</div>` : html`<p class="hint">Loading the model…</p>`}`;
    }
    const share = diagram.params === 0 ? 0 : diagram.trainableParams / diagram.params;
    const trained = hasTrainingStats(diagram);
    const heat =
      trained && this.showLearned ? { metric: this.heatMetric, max: heatMax(diagram, this.heatMetric) } : undefined;
    this.heat = heat;
    return html`
      <header>
        <h1>${model.name}</h1>
        <div class="sub">${model.architecture} · ${model.modelType}</div>
      </header>
      ${this.unavailable ? html`<div class="message info" role="status">${this.unavailable}</div>` : nothing}
      ${this.error ? html`<div class="message" role="alert">${this.error}</div>` : nothing}
      <div class="meter">
        <div
          class="bar"
          role="meter"
          aria-label="Trainable parameters"
          aria-valuemin="0"
          aria-valuemax=${diagram.params}
          aria-valuenow=${diagram.trainableParams}
        >
          <div style="width: ${(share * 100).toFixed(2)}%"></div>
        </div>
        <div class="meter-label" data-testid="trainable-summary">
          Trainable ${formatCount(diagram.trainableParams)} of ${formatCount(diagram.params)} parameters
          (${(share * 100).toFixed(1)}%)
        </div>
      </div>
      <div class="toolbar">
        <vscode-button
          ?disabled=${this.busy}
          @click=${() => this.send({ type: 'freezeMap/preset', preset: 'freezeAllButHead' })}
          >Freeze all but head</vscode-button
        >
        <vscode-button
          ?disabled=${this.busy}
          @click=${() => this.send({ type: 'freezeMap/preset', preset: 'unfreezeAll' })}
          >Unfreeze all</vscode-button
        >
        <vscode-button secondary ?disabled=${this.busy} @click=${() => this.send({ type: 'freezeMap/insertCode' })}
          >Insert as code</vscode-button
        >
      </div>
      ${this.learnedControls(trained)} ${heat ? this.heatLegend(heat.metric, heat.max) : STATE_LEGEND}
      <p class="hint">
        Click or Space/Enter toggles a module · Shift+click or Shift+Enter freezes everything from the input up to it ·
        arrow keys move.
      </p>
      <div
        class="diagram"
        role="group"
        aria-label="Layers from input to output"
        aria-busy=${this.busy ? 'true' : 'false'}
        @keydown=${this.onKeyDown}
      >
        ${this.section('Embeddings', diagram.embeddings)}
        ${diagram.blocks.length ? html`<div class="section-title">Blocks</div>` : nothing}
        ${diagram.blocks.map((block, i) => this.block(block, i))} ${this.section('Head', diagram.head)}
      </div>
    `;
  }

  /** The "Show what learned" switch and its metric selector; disabled until the model was trained. */
  private learnedControls(trained: boolean): TemplateResult {
    const hint = trained ? 'Colour each module by what the last training run changed' : 'Train the model first';
    return html`<div class="learned" title=${hint}>
      <label>
        <input
          type="checkbox"
          data-testid="show-learned"
          .checked=${trained && this.showLearned}
          ?disabled=${!trained}
          aria-describedby=${trained ? nothing : 'learned-hint'}
          @change=${(e: Event) => (this.showLearned = (e.target as HTMLInputElement).checked)}
        />
        Show what learned
      </label>
      ${
        trained
          ? html`<select
              aria-label="Statistic to colour by"
              data-testid="heat-metric"
              ?disabled=${!this.showLearned}
              @change=${(e: Event) => (this.heatMetric = (e.target as HTMLSelectElement).value as HeatMetric)}
            >
              ${HEAT_METRICS.map((m) => html`<option value=${m.metric} ?selected=${m.metric === this.heatMetric}>${m.label}</option>`)}
            </select>`
          : html`<span id="learned-hint" class="hint-inline">Train the model first</span>`
      }
    </div>`;
  }

  private heatLegend(metric: HeatMetric, max: number): TemplateResult {
    const label = HEAT_METRICS.find((m) => m.metric === metric)?.label ?? metric;
    return html`<div class="legend heat-legend" data-testid="heat-legend">
      <span>${label} of the last training run:</span>
      <span class="heat-scale">
        <span>${formatHeat(0, metric)}</span>
        <span
          class="heat-gradient"
          role="img"
          aria-label="from ${formatHeat(0, metric)} to ${formatHeat(max, metric)}"
        ></span>
        <span>${formatHeat(max, metric)}</span>
      </span>
      <span><span class="swatch" style="background: var(--fm-empty)"></span>no statistics</span>
    </div>`;
  }

  private section(title: string, items: DiagramItem[]): TemplateResult | typeof nothing {
    if (items.length === 0) return nothing;
    return html`<div class="section-title">${title}</div>
      <div class="row">${items.map((item) => this.withAdapters(item))}</div>`;
  }

  private block(block: DiagramBlock, index: number): TemplateResult {
    return html`<div class="block">
      ${this.item(block, `Block ${index}`, 'block-head')}
      <div class="row">${block.parts.map((part) => this.withAdapters(part))}</div>
    </div>`;
  }

  private withAdapters(item: DiagramItem): TemplateResult {
    if (item.adapters.length === 0) return this.item(item);
    return html`<div class="part">
      ${this.item(item)}
      <div class="adapters">${item.adapters.map((a) => this.item(a))}</div>
    </div>`;
  }

  private item(item: DiagramItem, title = item.label, extraClass = ''): TemplateResult {
    const order = this.diagram ? itemsInOrder(this.diagram) : [];
    const focused = (this.focusedPath ?? order[0]?.path) === item.path;
    const state = item.isAdapter ? `adapter ${item.state}` : item.state;
    const stateWord =
      item.state === 'partial' ? 'partly frozen' : item.state === 'empty' ? 'no parameters of its own' : item.state;
    const heat = this.heat ? heatOf(item, this.heat.metric, this.heat.max) : undefined;
    return html`<div
      class="item ${state} ${extraClass} ${heat ? `heat ${heat.share === undefined ? 'no-stats' : ''}` : ''}"
      style=${heat?.share === undefined ? '' : `--heat: ${(heat.share * 100).toFixed(1)}%`}
      data-heat=${heat?.text ?? nothing}
      role="button"
      tabindex=${focused ? 0 : -1}
      data-path=${item.path}
      data-state=${item.state}
      aria-pressed=${item.state === 'frozen' ? 'true' : 'false'}
      aria-label="${item.path} (${item.kind}): ${stateWord}, ${item.trainableParams} of ${item.params} parameters trainable${heat ? `, ${heat.text}` : ''}"
      title="${item.path} · ${item.kind}${heat ? ` · ${heat.text}` : ''}"
      @click=${(e: MouseEvent) => this.activate(item, e.shiftKey)}
      @focus=${() => (this.focusedPath = item.path)}
    >
      <span class="name">${title}</span>
      <span class="meta"
        >${item.kind} ·
        ${item.params === 0 ? 'shared / none' : `${formatCount(item.trainableParams)}/${formatCount(item.params)}`}</span
      >
      ${heat ? html`<span class="meta heat-value">${heat.text}</span>` : nothing}
    </div>`;
  }

  private activate(item: DiagramItem, freezeUpTo: boolean): void {
    if (this.busy || !this.diagram) return;
    this.focusedPath = item.path;
    if (freezeUpTo) {
      const paths = freezeUpToPaths(this.diagram, item.path);
      if (paths.length) this.send({ type: 'freezeMap/setTrainable', paths, trainable: false });
      return;
    }
    if (item.state === 'empty') return;
    this.send({ type: 'freezeMap/setTrainable', paths: [item.path], trainable: item.state === 'frozen' });
  }

  private onKeyDown = (event: KeyboardEvent): void => {
    if (!this.diagram) return;
    const order = itemsInOrder(this.diagram);
    const current = Math.max(
      0,
      order.findIndex((i) => i.path === (this.focusedPath ?? order[0]?.path)),
    );
    let next = current;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = Math.min(order.length - 1, current + 1);
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = Math.max(0, current - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = order.length - 1;
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        if (order[current]) this.activate(order[current], event.key === 'Enter' && event.shiftKey);
        return;
      default:
        return;
    }
    event.preventDefault();
    this.focusedPath = order[next]?.path;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-path="${CSS.escape(this.focusedPath ?? '')}"]`)?.focus(),
    );
  };
}

function heatOf(item: DiagramItem, metric: HeatMetric, max: number): { share: number | undefined; text: string } {
  const value = item.trainingStats?.[metric];
  const label = metric === 'weightChange' ? 'weight change' : 'gradient norm';
  return {
    share: heatShare(item, metric, max),
    text: value === undefined ? 'no statistics' : `${label} ${formatHeat(value, metric)}`,
  };
}

const STATE_LEGEND = html`<div class="legend">
  <span><span class="swatch" style="background: var(--fm-trainable)"></span>trainable</span>
  <span><span class="swatch" style="background: var(--fm-frozen)"></span>frozen</span>
  <span><span class="swatch" style="background: var(--fm-partial)"></span>partly frozen</span>
  <span><span class="swatch" style="background: var(--fm-adapter)"></span>adapter</span>
</div>`;

customElements.define('freeze-map-view', FreezeMapView);
