import { css } from 'lit';

/** Theme colours come from VS Code's CSS variables; the fallbacks keep the view legible outside VS Code. */
export const promptCompareStyles = css`
  :host {
    --pc-border: var(--vscode-panel-border, var(--vscode-widget-border, #8884));
    --pc-muted: var(--vscode-descriptionForeground, #717171);
    --pc-focus: var(--vscode-focusBorder, #007fd4);
    --pc-pass: var(--vscode-testing-iconPassed, #388a34);
    --pc-fail: var(--vscode-testing-iconFailed, #c72e0f);
    display: block;
    color: var(--vscode-foreground, #333);
    font-family: var(--vscode-font-family, sans-serif);
    font-size: var(--vscode-font-size, 13px);
    padding: 8px 16px 24px;
  }
  h1 {
    font-size: 1.2em;
    margin: 4px 0 8px;
    font-weight: 600;
  }
  .sub {
    color: var(--pc-muted);
  }
  .label {
    font-size: 0.85em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--pc-muted);
    margin: 10px 0 4px;
  }
  .variants {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
  }
  .variant {
    border: 1px solid var(--pc-border);
    border-radius: 4px;
    padding: 6px;
    display: grid;
    grid-template-columns: auto 1fr auto 1fr;
    gap: 4px 6px;
    align-items: center;
    min-width: 280px;
    flex: 1;
    max-width: 480px;
  }
  .variant .name {
    grid-column: 1 / -1;
    display: flex;
    justify-content: space-between;
    font-weight: 600;
  }
  .variant textarea {
    grid-column: 1 / -1;
  }
  textarea,
  select,
  input {
    font: inherit;
    color: var(--vscode-input-foreground, inherit);
    background: var(--vscode-input-background, #fff);
    border: 1px solid var(--vscode-input-border, var(--pc-border));
    padding: 2px 4px;
    min-width: 0;
  }
  textarea {
    font-family: var(--vscode-editor-font-family, monospace);
    resize: vertical;
    min-height: 40px;
  }
  textarea:focus,
  select:focus,
  input:focus,
  button:focus-visible {
    outline: 1px solid var(--pc-focus);
    outline-offset: -1px;
  }
  .inputs textarea {
    width: 100%;
    box-sizing: border-box;
    min-height: 64px;
  }
  .toolbar {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
    align-items: center;
    margin: 8px 0;
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
    border-color: var(--pc-border);
    background: transparent;
    color: inherit;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    table-layout: fixed;
    margin-top: 8px;
  }
  th,
  td {
    border: 1px solid var(--pc-border);
    padding: 4px 6px;
    vertical-align: top;
    text-align: left;
  }
  th {
    background: var(--vscode-editorWidget-background, #f3f3f3);
    font-weight: 600;
  }
  th .stats,
  td .meta {
    font-weight: normal;
    color: var(--pc-muted);
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  td.input {
    font-family: var(--vscode-editor-font-family, monospace);
    white-space: pre-wrap;
    word-break: break-word;
  }
  .output {
    white-space: pre-wrap;
    word-break: break-word;
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: var(--vscode-editor-font-size, 12px);
    min-height: 1.2em;
  }
  .output.streaming::after {
    content: '▍';
    color: var(--pc-muted);
  }
  .output.error {
    color: var(--vscode-errorForeground, #a1260d);
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    flex-wrap: wrap;
    margin-top: 4px;
  }
  .pass {
    color: var(--pc-pass);
    font-weight: 600;
  }
  .fail {
    color: var(--pc-fail);
    font-weight: 600;
  }
  button.thumb,
  button.link {
    font: inherit;
    background: transparent;
    color: inherit;
    border: 1px solid transparent;
    border-radius: 3px;
    cursor: pointer;
    padding: 0 3px;
  }
  button.thumb {
    display: inline-flex;
    align-items: center;
    padding: 2px 4px;
  }
  button.thumb[aria-pressed='true'] {
    border-color: var(--pc-focus);
    background: color-mix(in srgb, var(--pc-focus) 20%, transparent);
  }
  button.link {
    color: var(--vscode-textLink-foreground, #006ab1);
  }
`;
