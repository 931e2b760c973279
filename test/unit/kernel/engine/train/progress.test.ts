import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DisplayHandle } from '../../../../../kernel/engine/runtime/kernelBridge';
import {
  downsample,
  escapeXml,
  renderProgressSvg,
  TrainingProgress,
  valueDomain,
  type ProgressSnapshot,
} from '../../../../../kernel/engine/train/progress';
import { xmlProblems } from './xmlWellFormed';

function recorder() {
  const calls: { op: 'show' | 'update'; html: string }[] = [];
  const show = (html: string): DisplayHandle<string> => {
    calls.push({ op: 'show', html });
    return { outputId: 'out-1', update: (next) => calls.push({ op: 'update', html: next }) };
  };
  return { calls, show };
}

test('redraws at most 4 times per second, in place, with a final redraw at finish', () => {
  let now = 0;
  const { calls, show } = recorder();
  const progress = new TrainingProgress({ totalSteps: 1000, now: () => now, show });
  // 1000 steps at 2 ms each = 2 simulated seconds.
  for (let step = 1; step <= 1000; step++) {
    now = step * 2;
    progress.update({ step, loss: 3 - step / 1000, learningRate: 1e-4 });
  }
  assert.equal(calls[0].op, 'show');
  assert.ok(
    calls.slice(1).every((c) => c.op === 'update'),
    'one output, redrawn in place',
  );
  const drawsBeforeFinish = calls.length;
  // Draws at t=2, 252, 502, ... , 1752 => 8 in 2 s, never two within 250 ms.
  assert.equal(drawsBeforeFinish, 8);
  progress.finish();
  assert.equal(calls.length, drawsBeforeFinish + 1, 'finish redraws even inside the throttle window');
  assert.match(calls.at(-1)?.html ?? '', /step 1000\/1000 \(100%\)/);
  assert.match(calls.at(-1)?.html ?? '', /done/);
  assert.equal(progress.update({ step: 1001, loss: 1 }), false, 'updates after finish are ignored');
  assert.equal(calls.length, drawsBeforeFinish + 1);
});

test('throttle window is measured from the last draw; slow steps draw every time', () => {
  let now = 0;
  const { calls, show } = recorder();
  const progress = new TrainingProgress({ totalSteps: 10, now: () => now, show, minIntervalMs: 250 });
  const drew: boolean[] = [];
  for (const [t, step] of [
    [0, 1],
    [100, 2],
    [249, 3],
    [250, 4],
    [499, 5],
    [500, 6],
    [1500, 7],
    [3000, 8],
  ]) {
    now = t;
    drew.push(progress.update({ step, loss: 1 }));
  }
  assert.deepEqual(drew, [true, false, false, true, false, true, true, true]);
  assert.equal(calls.length, 5);
});

test('without a kernel the default display is a no-op and nothing throws', () => {
  const progress = new TrainingProgress({ totalSteps: 3 });
  assert.equal(progress.update({ step: 1, loss: 2 }), true);
  progress.logEval(1, { eval_loss: 1.5, accuracy: 0.5 });
  progress.finish('interrupted');
  assert.equal(progress.drawCount, 2);
});

const bridgeKey = Symbol.for('tunebook.kernel');
after(() => {
  delete (globalThis as Record<symbol, unknown>)[bridgeKey];
});

test('inside a kernel it draws through the bridge display.html handle', () => {
  const { calls, show } = recorder();
  (globalThis as Record<symbol, unknown>)[bridgeKey] = { currentSignal: () => undefined, display: { html: show } };
  let now = 0;
  const progress = new TrainingProgress({ totalSteps: 2, now: () => now });
  progress.update({ step: 1, loss: 1 });
  now = 1000;
  progress.update({ step: 2, loss: 0.5 });
  progress.finish();
  assert.deepEqual(
    calls.map((c) => c.op),
    ['show', 'update', 'update'],
  );
  assert.match(calls[0].html, /^<svg /);
});

function snapshot(overrides: Partial<ProgressSnapshot> = {}): ProgressSnapshot {
  return {
    title: 'Fine-tune <gpt2> & "friends"',
    totalSteps: 10,
    step: 4,
    status: 'running',
    elapsedMs: 2000,
    epoch: 0.4,
    learningRate: 3e-5,
    loss: [],
    metrics: {},
    ...overrides,
  };
}

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

test('the SVG is well-formed XML with user text escaped', () => {
  const svg = renderProgressSvg(
    snapshot({
      loss: [1, 2, 3, 4].map((step) => ({ step, value: 5 - step })),
      metrics: {
        eval_loss: [{ step: 2, value: 3.5 }],
        'acc<&>': [
          { step: 2, value: 0.5 },
          { step: 4, value: 0.75 },
        ],
      },
      title: 'bad \u0001 chars \uD800 & <tags>',
    }),
  );
  assert.deepEqual(xmlProblems(svg), []);
  assert.ok(svg.includes('bad  chars  &amp; &lt;tags&gt;'));
  assert.ok(svg.includes('data-name="acc&lt;&amp;&gt;"'));
  assert.deepEqual(
    xmlProblems('<svg><g></svg>'),
    ['</svg> closes <g>', 'unclosed elements: svg'],
    'the checker itself catches broken XML',
  );
  assert.equal(escapeXml(`a&b<c>"d'`), 'a&amp;b&lt;c&gt;&quot;d&apos;');
});

test('curve points are scaled into the chart box: x by step over totalSteps, y by value with 5% headroom', () => {
  const losses = [4, 3, 2, 1];
  const svg = renderProgressSvg(snapshot({ loss: losses.map((value, i) => ({ step: i + 1, value })) }), {
    width: 600,
    height: 300,
  });
  const chartRect = attributes(/<g class="chart"[^>]*><rect [^>]*>/.exec(svg)?.[0].split('<rect')[1] ?? '');
  const box = {
    left: Number(chartRect.x),
    top: Number(chartRect.y),
    width: Number(chartRect.width),
    height: Number(chartRect.height),
  };
  assert.ok(box.width > 400 && box.height > 100, `one full-width chart: ${JSON.stringify(box)}`);
  const polyline = attributes(/<polyline [^>]*>/.exec(svg)?.[0] ?? '');
  assert.equal(polyline['data-name'], 'train loss');
  const points = polyline.points.split(' ').map((p) => p.split(',').map(Number));
  assert.equal(points.length, 4);
  const [lo, hi] = [1 - 0.15, 4 + 0.15]; // range 3, 5% padding each side
  points.forEach(([x, y], i) => {
    assert.ok(Math.abs(x - (box.left + ((i + 1) / 10) * box.width)) < 0.01, `x of point ${i}`);
    assert.ok(Math.abs(y - (box.top + (1 - (losses[i] - lo) / (hi - lo)) * box.height)) < 0.01, `y of point ${i}`);
    assert.ok(
      x >= box.left && x <= box.left + box.width && y >= box.top && y <= box.top + box.height,
      'inside the box',
    );
  });
  const bar = attributes(/<rect class="progress"[^>]*>/.exec(svg)?.[0] ?? '');
  const track = attributes(/<rect x="12" y="44"[^>]*>/.exec(svg)?.[0] ?? '');
  assert.ok(Math.abs(Number(bar.width) - 0.4 * Number(track.width)) < 0.01, 'bar is 4/10 full');
});

test('eval metrics other than losses get a second chart; NaN losses are skipped', () => {
  const svg = renderProgressSvg(
    snapshot({
      loss: [
        { step: 1, value: 2 },
        { step: 2, value: NaN },
        { step: 3, value: 1 },
      ],
      metrics: { eval_loss: [{ step: 3, value: 1.5 }], accuracy: [{ step: 3, value: 0.8 }] },
    }),
  );
  assert.deepEqual(xmlProblems(svg), []);
  assert.equal((svg.match(/<g class="chart"/g) ?? []).length, 2);
  const lossLine = attributes(/<polyline [^>]*data-name="train loss"[^>]*>/.exec(svg)?.[0] ?? '');
  assert.equal(lossLine.points.split(' ').length, 2);
  assert.match(svg, /<circle class="series" data-name="eval_loss"/);
  assert.match(svg, /<circle class="series" data-name="accuracy"/);
  assert.doesNotMatch(svg, /NaN/);
});

test('long curves are downsampled to bounded size; domains never collapse', () => {
  const points = Array.from({ length: 10000 }, (_, i) => ({ step: i + 1, value: Math.sin(i / 100) }));
  const reduced = downsample(points, 400);
  assert.equal(reduced.length, 400);
  assert.deepEqual(reduced.at(-1), points.at(-1));
  assert.ok(reduced.every((p, i) => i === 0 || p.step > reduced[i - 1].step));
  const svg = renderProgressSvg(snapshot({ totalSteps: 10000, step: 10000, loss: points }));
  assert.ok(svg.length < 30000, `svg is ${svg.length} chars`);
  assert.deepEqual(valueDomain([2, 2]), { min: 1.8, max: 2.2 });
  assert.deepEqual(valueDomain([]), { min: 0, max: 1 });
});
