/**
 * Few-shot prompt templates. A string template has a `{text}` slot and a `{label}` slot, e.g.
 * `"Review: {text}\nSentiment: {label}"`; a function template receives `{ text, label }` and returns the filled
 * example, with `label` undefined for the query (it must then return the prompt that the label would continue).
 * A prompt is the demonstrations (label slots filled with verbalisers) joined by `separator`, then the query cut
 * just before its label slot. Whitespace at the end of the query prompt moves onto the verbaliser, so the label
 * token carries its own leading space as GPT-2's BPE expects (" great", not " " + "great").
 */
export interface TemplateExample {
  text: string;
  /** The verbaliser text; undefined for the query. */
  label?: string;
}

export type Template = string | ((example: TemplateExample) => string);

export interface FewShotPrompt {
  /** Demonstrations and the query up to (not including) the label. */
  prompt: string;
  /** What goes between the prompt and each verbaliser (the whitespace taken off the prompt's end). */
  labelPrefix: string;
}

export function checkTemplate(template: Template): void {
  if (typeof template === 'function') return;
  if (typeof template !== 'string')
    throw new RangeError(`a template is a string with {text} and {label} slots or a function, got ${typeof template}`);
  if (!template.includes('{text}')) throw new RangeError(`template ${JSON.stringify(template)} has no {text} slot`);
  const labelAt = template.indexOf('{label}');
  if (labelAt < 0) throw new RangeError(`template ${JSON.stringify(template)} has no {label} slot`);
  if (template.indexOf('{label}', labelAt + 1) >= 0)
    throw new RangeError(`template ${JSON.stringify(template)} has more than one {label} slot`);
}

/** One example rendered by the template; without a label, the text up to the label slot. */
export function fillTemplate(template: Template, example: TemplateExample): string {
  if (typeof template === 'function') {
    const out = template(example);
    if (typeof out !== 'string') throw new RangeError(`the template function returned ${typeof out}, not a string`);
    return out;
  }
  const text = (s: string) => s.split('{text}').join(example.text);
  if (example.label === undefined) return text(template.slice(0, template.indexOf('{label}')));
  const [before, after] = template.split('{label}');
  return text(before) + example.label + text(after);
}

export function buildFewShotPrompt(
  template: Template,
  demonstrations: readonly Required<TemplateExample>[],
  query: string,
  separator = '\n\n',
): FewShotPrompt {
  checkTemplate(template);
  const parts = demonstrations.map((d) => fillTemplate(template, d));
  const full = [...parts, fillTemplate(template, { text: query })].join(separator);
  const trimmed = full.replace(/\s+$/, '');
  return { prompt: trimmed, labelPrefix: full.slice(trimmed.length) };
}

/** A short name for a template in tables. */
export function templateName(template: Template, index: number): string {
  if (typeof template === 'string') return template.replace(/\n/g, '⏎');
  return template.name ? `${template.name}()` : `template ${index + 1}`;
}
