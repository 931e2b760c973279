import { css } from 'lit';

/** Theme colours come from VS Code's CSS variables; the fallbacks keep the view legible outside VS Code. */
export const freezeMapStyles = css`
  :host {
    --fm-trainable: var(--vscode-charts-green, #388a34);
    --fm-frozen: var(--vscode-charts-blue, #1a85ff);
    --fm-partial: var(--vscode-charts-yellow, #bf8803);
    --fm-adapter: var(--vscode-charts-purple, #a35fd1);
    --fm-empty: var(--vscode-disabledForeground, #8b8b8b);
    --fm-border: var(--vscode-panel-border, var(--vscode-widget-border, #8884));
    --fm-focus: var(--vscode-focusBorder, #007fd4);
    --fm-heat-high: var(--vscode-charts-red, #e51400);
    --fm-heat-low: var(--vscode-editorWidget-background, #f3f3f3);
    display: block;
    color: var(--vscode-foreground, #333);
    font-family: var(--vscode-font-family, sans-serif);
    font-size: var(--vscode-font-size, 13px);
    padding: 8px 16px 24px;
  }
  header h1 {
    font-size: 1.25em;
    margin: 4px 0;
    font-weight: 600;
  }
  header .sub {
    color: var(--vscode-descriptionForeground, #717171);
  }
  .meter {
    margin: 10px 0 4px;
  }
  .bar {
    height: 10px;
    border-radius: 5px;
    background: color-mix(in srgb, var(--fm-frozen) 30%, transparent);
    overflow: hidden;
  }
  .bar > div {
    height: 100%;
    background: var(--fm-trainable);
    transition: width 0.2s;
  }
  .meter-label {
    margin-top: 4px;
    font-variant-numeric: tabular-nums;
  }
  .toolbar {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
    margin: 12px 0;
  }
  .legend {
    display: flex;
    gap: 14px;
    flex-wrap: wrap;
    margin: 4px 0 12px;
    color: var(--vscode-descriptionForeground, #717171);
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
    margin-right: 4px;
    vertical-align: -1px;
  }
  .hint {
    color: var(--vscode-descriptionForeground, #717171);
    margin: 0 0 10px;
  }
  .diagram {
    display: flex;
    flex-direction: column;
    gap: 6px;
    max-width: 900px;
  }
  .diagram:focus-within {
    outline: none;
  }
  .section-title {
    font-size: 0.85em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--vscode-descriptionForeground, #717171);
    margin-top: 8px;
  }
  .row {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
  }
  .block {
    border: 1px solid var(--fm-border);
    border-radius: 6px;
    padding: 6px;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .item {
    --state: var(--fm-empty);
    border: 1px solid color-mix(in srgb, var(--state) 60%, transparent);
    border-left: 4px solid var(--state);
    background: color-mix(in srgb, var(--state) 16%, transparent);
    border-radius: 4px;
    padding: 4px 8px;
    cursor: pointer;
    user-select: none;
    min-width: 84px;
    display: flex;
    flex-direction: column;
  }
  .item.block-head {
    flex-direction: row;
    justify-content: space-between;
    align-items: baseline;
  }
  .item.trainable {
    --state: var(--fm-trainable);
  }
  .item.frozen {
    --state: var(--fm-frozen);
  }
  .item.partial {
    --state: var(--fm-partial);
  }
  .item.adapter {
    --state: var(--fm-adapter);
    border-style: dashed;
    border-left-style: solid;
  }
  .item.adapter.frozen {
    opacity: 0.65;
  }
  .item.empty {
    cursor: default;
    opacity: 0.75;
  }
  .item:hover {
    background: color-mix(in srgb, var(--state) 28%, transparent);
  }
  .item:focus-visible,
  .item:focus {
    outline: 2px solid var(--fm-focus);
    outline-offset: 1px;
  }
  .item .name {
    font-weight: 600;
  }
  .item .meta {
    font-size: 0.85em;
    color: var(--vscode-descriptionForeground, #717171);
    font-variant-numeric: tabular-nums;
  }
  .part {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .adapters {
    display: flex;
    gap: 4px;
  }
  .message {
    padding: 8px 10px;
    border-radius: 4px;
    margin: 8px 0;
    border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100);
    background: var(--vscode-inputValidation-errorBackground, #f2dede);
  }
  .message.info {
    border-color: var(--vscode-inputValidation-infoBorder, #007acc);
    background: var(--vscode-inputValidation-infoBackground, #d6ecf2);
  }
  [aria-busy='true'] .item {
    cursor: progress;
  }
  .learned {
    display: flex;
    gap: 10px;
    align-items: center;
    margin: 0 0 8px;
  }
  .learned label {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    cursor: pointer;
  }
  .learned label:has(input:disabled) {
    cursor: not-allowed;
    opacity: 0.7;
  }
  .learned input:focus-visible,
  .learned select:focus-visible {
    outline: 2px solid var(--fm-focus);
    outline-offset: 1px;
  }
  .learned select {
    color: var(--vscode-dropdown-foreground, inherit);
    background: var(--vscode-dropdown-background, transparent);
    border: 1px solid var(--vscode-dropdown-border, var(--fm-border));
    font: inherit;
    padding: 2px 4px;
  }
  .hint-inline {
    color: var(--vscode-descriptionForeground, #717171);
    font-size: 0.9em;
  }
  .heat-scale {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    font-variant-numeric: tabular-nums;
  }
  .heat-gradient {
    display: inline-block;
    width: 120px;
    height: 10px;
    border-radius: 2px;
    border: 1px solid var(--fm-border);
    background: linear-gradient(to right, var(--fm-heat-low), var(--fm-heat-high));
  }
  .item.heat {
    --state: color-mix(in srgb, var(--fm-heat-high) var(--heat, 0%), var(--fm-heat-low));
    background: color-mix(in srgb, var(--fm-heat-high) calc(var(--heat, 0%) * 0.6), transparent);
  }
  .item.heat.no-stats {
    --state: var(--fm-empty);
    background: transparent;
  }
`;
