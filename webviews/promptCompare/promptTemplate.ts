/** Prompt templates: `{{input}}` (spaces allowed inside the braces) is replaced by the row's input. */
const PLACEHOLDER = /\{\{\s*input\s*\}\}/g;

export function applyTemplate(template: string, input: string): string {
  if (!PLACEHOLDER.test(template)) return template + input;
  PLACEHOLDER.lastIndex = 0;
  return template.replace(PLACEHOLDER, () => input);
}
