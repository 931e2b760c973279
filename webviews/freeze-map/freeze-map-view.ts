/**
 * <freeze-map-view>: draws the model's embeddings, blocks (attention, MLP, norms), head and LoRA
 * adapters, coloured by state, with a trainable-parameters bar. Click or Space/Enter toggles a module,
 * Shift+click or Shift+Enter freezes everything from the input up to it; arrow keys move between modules.
 * It only asks: every change goes to the extension, which applies it in the kernel and sends the new state.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FreezeMapFromWebview, FreezeMapToWebview, LayerNode, ModelSummary } from '../protocol';
import { buildDiagram, freezeUpToPaths, itemsInOrder, type Diagram, type DiagramBlock, type DiagramItem } from './diagram';
import { freezeMapStyles } from './freeze-map-view.styles';

export class FreezeMapView extends LitElement {
  static override styles = freezeMapStyles;
  static override properties = {
    model: { state: true },
    diagram: { state: true },
    busy: { state: true },
    error: { state: true },
    unavailable: { state: true },
    focusedPath: { state: true },
  };

  declare model: ModelSummary | undefined;
  declare diagram: Diagram | undefined;
  declare busy: boolean;
  declare error: string | undefined;
  declare unavailable: string | undefined;
  declare focusedPath: string | undefined;
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
  }

  /** Applies a message from the extension. */
  receive(message: FreezeMapToWebview): void {
    switch (message.type) {
      case 'freezeMap/show':
        this.model = message.model;
        this.diagram = buildDiagram(message.layers as LayerNode[]);
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
    return html`
      <header>
        <h1>${model.name}</h1>
        <div class="sub">${model.architecture} · ${model.modelType}</div>
      </header>
      ${this.unavailable ? html`<div class="message info" role="status">${this.unavailable}</div>` : nothing}
      ${this.error ? html`<div class="message" role="alert">${this.error}</div>` : nothing}
      <div class="meter">
        <div class="bar" role="meter" aria-label="Trainable parameters" aria-valuemin="0" aria-valuemax=${diagram.params} aria-valuenow=${diagram.trainableParams}>
          <div style="width: ${(share * 100).toFixed(2)}%"></div>
        </div>
        <div class="meter-label" data-testid="trainable-summary">
          Trainable ${formatCount(diagram.trainableParams)} of ${formatCount(diagram.params)} parameters (${(share * 100).toFixed(1)}%)
        </div>
      </div>
      <div class="toolbar">
        <vscode-button ?disabled=${this.busy} @click=${() => this.send({ type: 'freezeMap/preset', preset: 'freezeAllButHead' })}>Freeze all but head</vscode-button>
        <vscode-button ?disabled=${this.busy} @click=${() => this.send({ type: 'freezeMap/preset', preset: 'unfreezeAll' })}>Unfreeze all</vscode-button>
        <vscode-button secondary ?disabled=${this.busy} @click=${() => this.send({ type: 'freezeMap/insertCode' })}>Insert as code</vscode-button>
      </div>
      <div class="legend">
        <span><span class="swatch" style="background: var(--fm-trainable)"></span>trainable</span>
        <span><span class="swatch" style="background: var(--fm-frozen)"></span>frozen</span>
        <span><span class="swatch" style="background: var(--fm-partial)"></span>partly frozen</span>
        <span><span class="swatch" style="background: var(--fm-adapter)"></span>adapter</span>
      </div>
      <p class="hint">Click or Space/Enter toggles a module · Shift+click or Shift+Enter freezes everything from the input up to it · arrow keys move.</p>
      <div class="diagram" role="group" aria-label="Layers from input to output" aria-busy=${this.busy ? 'true' : 'false'} @keydown=${this.onKeyDown}>
        ${this.section('Embeddings', diagram.embeddings)}
        ${diagram.blocks.length ? html`<div class="section-title">Blocks</div>` : nothing}
        ${diagram.blocks.map((block, i) => this.block(block, i))}
        ${this.section('Head', diagram.head)}
      </div>
    `;
  }

  private section(title: string, items: DiagramItem[]): TemplateResult | typeof nothing {
    if (items.length === 0) return nothing;
    return html`<div class="section-title">${title}</div><div class="row">${items.map((item) => this.withAdapters(item))}</div>`;
  }

  private block(block: DiagramBlock, index: number): TemplateResult {
    return html`<div class="block">
      ${this.item(block, `Block ${index}`, 'block-head')}
      <div class="row">${block.parts.map((part) => this.withAdapters(part))}</div>
    </div>`;
  }

  private withAdapters(item: DiagramItem): TemplateResult {
    if (item.adapters.length === 0) return this.item(item);
    return html`<div class="part">${this.item(item)}<div class="adapters">${item.adapters.map((a) => this.item(a))}</div></div>`;
  }

  private item(item: DiagramItem, title = item.label, extraClass = ''): TemplateResult {
    const order = this.diagram ? itemsInOrder(this.diagram) : [];
    const focused = (this.focusedPath ?? order[0]?.path) === item.path;
    const state = item.isAdapter ? `adapter ${item.state}` : item.state;
    const stateWord = item.state === 'partial' ? 'partly frozen' : item.state === 'empty' ? 'no parameters of its own' : item.state;
    return html`<div
      class="item ${state} ${extraClass}"
      role="button"
      tabindex=${focused ? 0 : -1}
      data-path=${item.path}
      data-state=${item.state}
      aria-pressed=${item.state === 'frozen' ? 'true' : 'false'}
      aria-label="${item.path} (${item.kind}): ${stateWord}, ${item.trainableParams} of ${item.params} parameters trainable"
      title="${item.path} · ${item.kind}"
      @click=${(e: MouseEvent) => this.activate(item, e.shiftKey)}
      @focus=${() => (this.focusedPath = item.path)}
    >
      <span class="name">${title}</span>
      <span class="meta">${item.kind} · ${item.params === 0 ? 'shared / none' : `${formatCount(item.trainableParams)}/${formatCount(item.params)}`}</span>
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
    const current = Math.max(0, order.findIndex((i) => i.path === (this.focusedPath ?? order[0]?.path)));
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
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-path="${CSS.escape(this.focusedPath ?? '')}"]`)?.focus());
  };
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

customElements.define('freeze-map-view', FreezeMapView);
