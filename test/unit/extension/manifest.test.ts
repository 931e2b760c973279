import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../extension/commandIds';
import { NOTEBOOK_TYPE } from '../../../extension/notebook/notebookType';
import { BACKEND_CHOICES } from '../../../kernel/protocol/base';

const root = join(__dirname, '..', '..', '..');
interface Manifest {
  activationEvents: string[];
  contributes: {
    notebooks: { type: string; selector: { filenamePattern: string }[] }[];
    commands: { command: string; title: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: string[] }> };
    snippets: { language: string; path: string }[];
    walkthroughs: {
      id: string;
      title: string;
      description: string;
      steps: {
        id: string;
        title: string;
        description: string;
        media: { markdown?: string; image?: string; altText?: string };
        completionEvents?: string[];
      }[];
    }[];
  };
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('package.json contributions', () => {
  it('activates on Tunebook notebooks and declares the notebook type for *.ftnb', () => {
    assert.ok(manifest.activationEvents.includes(`onNotebook:${NOTEBOOK_TYPE}`));
    const notebook = manifest.contributes.notebooks.find((n) => n.type === NOTEBOOK_TYPE);
    assert.deepEqual(notebook?.selector, [{ filenamePattern: '*.ftnb' }]);
  });

  it('contributes exactly the commands the extension registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    const source = readFileSync(join(root, 'extension', 'commands.ts'), 'utf8');
    for (const key of Object.keys(COMMANDS)) {
      assert.match(
        source,
        new RegExp(`registerCommand\\(COMMANDS\\.${key}\\b`),
        `${key} is contributed but never registered`,
      );
    }
  });

  it('menus point only at contributed commands and show kernel commands only for Tunebook notebooks', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) {
        assert.ok(contributed.has(entry.command), `${menu} lists unknown command ${entry.command}`);
        if (entry.command === COMMANDS.restartKernel || entry.command === COMMANDS.interruptKernel) {
          assert.match(entry.when ?? '', new RegExp(`notebookType == ${NOTEBOOK_TYPE}`), `${menu}: ${entry.command}`);
        }
      }
    }
    assert.ok(manifest.contributes.menus['notebook/toolbar'].some((e) => e.command === COMMANDS.restartKernel));
  });

  it('declares the settings with their defaults', () => {
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual(
      props['tunebook.backend'].enum,
      [...BACKEND_CHOICES],
      "the setting offers exactly the protocol's backends",
    );
    assert.equal(
      (props['tunebook.backend'] as { enumDescriptions?: string[] }).enumDescriptions?.length,
      props['tunebook.backend'].enum?.length,
    );
    assert.equal(props['tunebook.backend'].default, 'auto');
    assert.equal(props['tunebook.kernel.nodePath'].default, '');
    assert.equal(props['tunebook.saveOutputs'].default, true);
    assert.equal(props['tunebook.saveOutputs'].type, 'boolean');
    const settingsSource = readFileSync(join(root, 'extension', 'common', 'settings.ts'), 'utf8');
    for (const key of Object.keys(props))
      assert.ok(
        settingsSource.includes(`'${key}'`),
        `${key} is declared but extension/common/settings.ts never reads it`,
      );
  });

  it('wires a snippets file of well-formed TypeScript snippets', () => {
    const [entry] = manifest.contributes.snippets;
    assert.equal(entry.language, 'typescript');
    const file = join(root, entry.path);
    assert.ok(existsSync(file), entry.path);
    const snippets = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      { prefix: string; body: string[]; description: string }
    >;
    const prefixes = new Set<string>();
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.ok(typeof snippet.prefix === 'string' && snippet.prefix.startsWith('tb-'), `${name}: prefix`);
      assert.ok(!prefixes.has(snippet.prefix), `${name}: duplicate prefix ${snippet.prefix}`);
      prefixes.add(snippet.prefix);
      assert.ok(Array.isArray(snippet.body) && snippet.body.length > 0, `${name}: body`);
      assert.ok(snippet.description.length > 10, `${name}: description`);
    }
    for (const required of [
      'tb-display',
      'tb-table',
      'tb-image',
      'tb-loop',
      'tb-import',
      'tb-generate',
      'tb-backend',
    ]) {
      assert.ok(prefixes.has(required), `missing snippet ${required}`);
    }
  });

  it('contributes a getting-started walkthrough: open an example, run it, open the freeze map, rank outputs', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(manifest.contributes.walkthroughs.length, 1);
    assert.ok(walkthrough.title.length > 0 && walkthrough.description.length > 0);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['openExample', 'runNotebook', 'freezeMap', 'rankOutputs'],
    );
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const stepCommands = [COMMANDS.openExample, 'notebook.execute', COMMANDS.showFreezeMap, COMMANDS.openRankingPanel];
    walkthrough.steps.forEach((step, i) => {
      const links = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.deepEqual(links, [stepCommands[i]], `${step.id}: its button runs ${stepCommands[i]}`);
      if (links[0].startsWith('tunebook.'))
        assert.ok(contributed.has(links[0]), `${step.id} links to an uncontributed command`);
      assert.deepEqual(
        step.completionEvents,
        [`onCommand:${stepCommands[i]}`],
        `${step.id}: done when its command runs`,
      );
      const markdown = step.media.markdown;
      assert.ok(
        markdown && markdown.startsWith('media/walkthrough/') && existsSync(join(root, markdown)),
        `${step.id}: media ${markdown}`,
      );
      assert.match(readFileSync(join(root, markdown), 'utf8'), /^# \S/, `${step.id}: the media markdown has a heading`);
    });
  });

  it('contributes "Tunebook: Open Example…", which the .vsix can serve (examples are packaged)', () => {
    const command = manifest.contributes.commands.find((c) => c.command === COMMANDS.openExample);
    assert.equal(command?.title, 'Open Example…');
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const needed of ['!examples/*.ftnb', '!examples/data/**', '!media/**'])
      assert.ok(ignore.includes(needed), `.vscodeignore must have ${needed}`);
  });
});
