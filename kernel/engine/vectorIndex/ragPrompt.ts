/**
 * `ragPrompt(question, hits, template)`: a retrieval-augmented prompt. The template's `{context}` slot receives
 * the hits' texts (numbered, best first) and `{question}` the question.
 */
export interface RagHitLike {
  text: string;
}

export const DEFAULT_RAG_TEMPLATE =
  'Answer the question using the context.\n\nContext:\n{context}\n\nQuestion: {question}\nAnswer:';

export function ragPrompt(
  question: string,
  hits: readonly RagHitLike[],
  template: string = DEFAULT_RAG_TEMPLATE,
): string {
  if (typeof question !== 'string') throw new RangeError('ragPrompt: question must be a string');
  if (!Array.isArray(hits)) throw new RangeError('ragPrompt: hits must be an array of { text } (index.search results)');
  if (typeof template !== 'string' || !template.includes('{context}') || !template.includes('{question}')) {
    throw new RangeError(
      `ragPrompt: the template needs {context} and {question} slots, got ${JSON.stringify(template)}`,
    );
  }
  const context = hits.map((h, i) => {
    if (!h || typeof h.text !== 'string') throw new RangeError(`ragPrompt: hits[${i}].text must be a string`);
    return `[${i + 1}] ${h.text}`;
  });
  // One pass over the template so slot-like text inside the question or context stays as written.
  return template.replace(/\{(context|question)\}/g, (_, slot: string) =>
    slot === 'context' ? context.join('\n') : question,
  );
}
