// A small XML well-formedness check for the SVG tests (tags balanced, attributes quoted, text and
// attribute values free of raw '<' and bare '&', only XML 1.0 characters). Not a full XML parser.
const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
const ATTRIBUTE = new RegExp(`\\s+(${NAME})\\s*=\\s*("[^"<]*"|'[^'<]*')`, 'y');
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let i = 0;
  let roots = 0;
  const checkText = (text: string, where: string) => {
    if (text.replace(ENTITY, '').includes('&')) problems.push(`bare '&' in ${where}: ${text.slice(0, 40)}`);
    if (INVALID_CHAR.test(text)) problems.push(`invalid XML character in ${where}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text.includes('>')) problems.push(`raw '>' in text is allowed but suspicious: ${text.slice(0, 40)}`);
    checkText(text, 'text');
    if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root element: ${text.slice(0, 40)}`);
    if (lt === -1) break;
    const closing = xml.startsWith('</', lt);
    const nameMatch = new RegExp(NAME, 'y');
    nameMatch.lastIndex = lt + (closing ? 2 : 1);
    const name = nameMatch.exec(xml)?.[0];
    if (!name) {
      problems.push(`bad tag at ${lt}`);
      break;
    }
    let j = nameMatch.lastIndex;
    const seen = new Set<string>();
    if (!closing) {
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const attr = ATTRIBUTE.exec(xml);
        if (!attr) break;
        if (seen.has(attr[1])) problems.push(`duplicate attribute ${attr[1]} on <${name}>`);
        seen.add(attr[1]);
        checkText(attr[2], `attribute ${attr[1]}`);
        j = ATTRIBUTE.lastIndex;
      }
    }
    while (xml[j] === ' ') j++;
    const selfClosing = !closing && xml.startsWith('/>', j);
    if (!selfClosing && xml[j] !== '>') {
      problems.push(`malformed <${closing ? '/' : ''}${name}> at ${lt}: ${xml.slice(lt, lt + 60)}`);
      break;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
    i = j + (selfClosing ? 2 : 1);
  }
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
