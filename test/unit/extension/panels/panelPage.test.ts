// The panel page: a strict CSP (only the nonce'd script runs), escaped text, and fresh random nonces.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNonce, panelCsp, panelPage } from '../../../../extension/panels/panelPage';

const SOURCE = 'https://abc.vscode-cdn.net';

describe('panel page', () => {
  it("allows only its nonce'd script and resources from the webview origin", () => {
    const nonce = makeNonce();
    const csp = panelCsp(SOURCE, nonce);
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${SOURCE} 'unsafe-inline'; img-src ${SOURCE} data:; font-src ${SOURCE}`,
    );
    const page = panelPage(SOURCE, { title: 'Freeze Map', scriptSrc: `${SOURCE}/dist/webviews/freezeMap.js`, nonce });
    assert.ok(page.includes(`content="${csp.replace(/'/g, "'")}"`));
    const scripts = [...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${nonce}" src="${SOURCE}/dist/webviews/freezeMap.js">`]);
    assert.ok(page.includes('<main id="root"></main>'));
    assert.ok(!page.includes('<link'), 'loads no stylesheet of its own');
  });

  it('escapes the title and URLs so they cannot break out of the markup', () => {
    const page = panelPage(SOURCE, {
      title: 'Freeze Map: <img src=x onerror=alert(1)>',
      scriptSrc: `${SOURCE}/a.js?"x"`,
      nonce: makeNonce(),
    });
    assert.ok(!page.includes('<img'));
    assert.ok(page.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(page.includes('a.js?&#34;x&#34;'));
  });

  it('makes a different 32-character alphanumeric nonce each time and refuses weak ones', () => {
    const nonces = new Set(Array.from({ length: 200 }, makeNonce));
    assert.equal(nonces.size, 200);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9]{32}$/);
    assert.throws(
      () => panelPage(SOURCE, { title: 't', scriptSrc: 's', nonce: "abc' 'unsafe-inline" }),
      /nonce must be/,
    );
  });
});
