import { css } from 'lit';

/** Theme colours come from VS Code's CSS variables; the fallbacks keep the view legible outside VS Code. */
export const rankingStyles = css`
  :host {
    --rk-border: var(--vscode-panel-border, var(--vscode-widget-border, #8884));
    --rk-focus: var(--vscode-focusBorder, #007fd4);
    --rk-muted: var(--vscode-descriptionForeground, #717171);
    --rk-badge-bg: var(--vscode-badge-background, #4d4d4d);
    --rk-badge-fg: var(--vscode-badge-foreground, #fff);
    --rk-card-bg: var(--vscode-editor-background, #fff);
    --rk-accent: var(--vscode-button-background, #0e639c);
    display: block;
    color: var(--vscode-foreground, #333);
    font-family: var(--vscode-font-family, sans-serif);
    font-size: var(--vscode-font-size, 13px);
    padding: 6px 10px 16px;
  }
  .progress {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    color: var(--rk-muted);
    font-variant-numeric: tabular-nums;
  }
  .bar {
    height: 4px;
    border-radius: 2px;
    background: color-mix(in srgb, var(--rk-accent) 20%, transparent);
    margin: 4px 0 10px;
    overflow: hidden;
  }
  .bar > div {
    height: 100%;
    background: var(--rk-accent);
  }
  .label {
    font-size: 0.85em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--rk-muted);
    margin: 8px 0 4px;
  }
  .prompt,
  .text {
    white-space: pre-wrap;
    word-break: break-word;
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: var(--vscode-editor-font-size, 12px);
  }
  .prompt {
    padding: 6px 8px;
    border-left: 3px solid var(--rk-accent);
    background: var(--vscode-textBlockQuote-background, #7f7f7f1a);
  }
  ol.candidates {
    list-style: none;
    padding: 0;
    margin: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .candidate {
    display: flex;
    gap: 8px;
    align-items: flex-start;
    border: 1px solid var(--rk-border);
    border-radius: 4px;
    padding: 6px;
    background: var(--rk-card-bg);
    cursor: grab;
  }
  .candidate:focus {
    outline: 2px solid var(--rk-focus);
    outline-offset: 1px;
  }
  .candidate.dragging {
    opacity: 0.5;
  }
  .candidate.drop-target {
    border-color: var(--rk-focus);
    border-style: dashed;
  }
  .rank {
    flex: none;
    min-width: 22px;
    height: 22px;
    border-radius: 11px;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    font-weight: 600;
    background: var(--rk-badge-bg);
    color: var(--rk-badge-fg);
    font-variant-numeric: tabular-nums;
  }
  .rank.unranked {
    background: transparent;
    color: var(--rk-muted);
    border: 1px dashed var(--rk-border);
  }
  .body {
    flex: 1;
    min-width: 0;
  }
  .key {
    color: var(--rk-muted);
    font-size: 0.85em;
  }
  .rank-buttons {
    display: flex;
    gap: 2px;
    margin-top: 4px;
    flex-wrap: wrap;
  }
  .rank-buttons button {
    font: inherit;
    font-size: 0.85em;
    min-width: 22px;
    padding: 0 4px;
    border-radius: 3px;
    cursor: pointer;
    border: 1px solid var(--rk-border);
    background: transparent;
    color: inherit;
  }
  .rank-buttons button[aria-pressed='true'] {
    background: var(--rk-accent);
    color: var(--vscode-button-foreground, #fff);
    border-color: var(--rk-accent);
  }
  .actions,
  .toolbar {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
    margin: 10px 0;
    align-items: center;
  }
  .help {
    color: var(--rk-muted);
    font-size: 0.9em;
  }
  kbd {
    font-family: var(--vscode-editor-font-family, monospace);
    border: 1px solid var(--rk-border);
    border-radius: 3px;
    padding: 0 3px;
  }
  .message {
    padding: 6px 8px;
    border-radius: 3px;
    margin: 6px 0;
    border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100);
    background: var(--vscode-inputValidation-errorBackground, #f2dede);
    color: var(--vscode-errorForeground, #a1260d);
    white-space: pre-wrap;
  }
  .message.info {
    border-color: var(--rk-border);
    background: transparent;
    color: inherit;
  }
  form.generate {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 4px 8px;
    align-items: center;
    margin: 6px 0;
  }
  form.generate textarea,
  form.generate select,
  form.generate input {
    font: inherit;
    color: var(--vscode-input-foreground, inherit);
    background: var(--vscode-input-background, #fff);
    border: 1px solid var(--vscode-input-border, var(--rk-border));
    padding: 2px 4px;
    min-width: 0;
  }
  form.generate textarea {
    grid-column: 1 / -1;
    min-height: 48px;
    resize: vertical;
  }
  details {
    margin-top: 12px;
  }
  section.training {
    margin-top: 12px;
    border-top: 1px solid var(--rk-border);
    padding-top: 6px;
  }
  label.check {
    display: inline-flex;
    gap: 4px;
    align-items: center;
    color: var(--rk-muted);
  }
  label.check input:focus-visible {
    outline: 1px solid var(--rk-focus);
    outline-offset: 1px;
  }
  summary {
    cursor: pointer;
    color: var(--rk-muted);
  }
`;
