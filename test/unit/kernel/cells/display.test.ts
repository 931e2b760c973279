import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDisplay, isDisplayHandle, itemsForValue } from '../../../../kernel/cells/display';
import { renderTable } from '../../../../kernel/cells/table';
import type { OutputItem } from '../../../../kernel/protocol';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function recorder() {
  const sent: Array<{ executionId: string; outputId: string; op: string; items: OutputItem[] }> = [];
  const display = createDisplay({
    currentExecutionId: () => 'exec-1',
    send: (executionId, outputId, op, items) => sent.push({ executionId, outputId, op, items }),
  });
  return { display, sent };
}

describe('display', () => {
  it('sends each helper with its mime type and redraws through the handle', () => {
    const { display, sent } = recorder();
    const md = display.markdown('# a');
    display.html('<b>b</b>');
    display.json({ c: 1 });
    display.image(PNG);
    md.update('# a2');
    assert.deepEqual(
      sent.map((s) => [s.op, s.items[0].mime]),
      [
        ['append', 'text/markdown'],
        ['append', 'text/html'],
        ['append', 'application/json'],
        ['append', 'image/png'],
        ['replace', 'text/markdown'],
      ],
    );
    assert.equal(sent[4].outputId, sent[0].outputId);
    assert.equal(sent[4].items[0].data, '# a2');
    assert.equal(sent[3].items[0].encoding, 'base64');
    assert.deepEqual([...Buffer.from(sent[3].items[0].data, 'base64')], [...PNG]);
    assert.deepEqual(JSON.parse(sent[2].items[0].data), { c: 1 });
    assert.ok(isDisplayHandle(md));
  });

  it('refuses image bytes that are not a PNG, saying why', () => {
    const { display } = recorder();
    assert.throws(() => display.image(new Uint8Array([1, 2, 3])), /expects PNG bytes.*3 bytes that are not a PNG/);
  });

  it('renders values: displayable objects, PNG buffers, strings, inspected objects', () => {
    const custom = { [Symbol.for('tunebook.display')]: () => [{ mime: 'text/html', data: '<i>x</i>' }] };
    assert.deepEqual(itemsForValue(custom, 'result'), [{ mime: 'text/html', data: '<i>x</i>' }]);
    assert.equal(itemsForValue(Buffer.from(PNG), 'result')[0].mime, 'image/png');
    assert.deepEqual(itemsForValue('hi', 'display'), [{ mime: 'text/plain', data: 'hi' }]);
    assert.deepEqual(itemsForValue('hi', 'result'), [{ mime: 'text/plain', data: "'hi'" }]);
    assert.deepEqual(itemsForValue({ a: [1, 2] }, 'result'), [{ mime: 'text/plain', data: '{ a: [ 1, 2 ] }' }]);
  });
});

describe('renderTable', () => {
  it('uses the union of object keys as columns and escapes HTML', () => {
    const table = renderTable([
      { name: '<b>', n: 1 },
      { n: 22, extra: true },
    ]);
    assert.equal(
      table.html,
      '<table><thead><tr><th>name</th><th>n</th><th>extra</th></tr></thead><tbody><tr><td>&#60;b&#62;</td><td>1</td><td></td></tr><tr><td></td><td>22</td><td>true</td></tr></tbody></table>',
    );
    assert.equal(table.text, ['name  n   extra', '----  --  -----', '<b>   1', '      22  true'].join('\n'));
  });

  it('renders rows of arrays without a header', () => {
    assert.equal(renderTable([[1, 'a'], [22]]).text, ['1   a', '22'].join('\n'));
  });

  it('rejects a non-array with a specific message', () => {
    assert.throws(() => renderTable(5 as never), /display.table expects an array of rows, got number/);
  });
});
