// A headless Chromium for cli's browser tests, driven line by line over stdin/stdout: each line
// in is one JSON command, each line out its JSON answer. The Java tests (cli WebViewE2E) keep
// their assertions and waits in Java; this file only does what Playwright does.
//
//   {"op":"goto","url":"..."}                         opens a page
//   {"op":"text","selector":"...","contains":"..."}   waits until the element's text contains it
//   {"op":"attr","selector":"...","name":"...","equals":"...","contains":false}
//                                                     waits for an attribute's value (or a part)
//   {"op":"slide","selector":"...","value":"..."}     moves a range input, as a user's drag ends
//   {"op":"eval","expression":"..."}                  the value of an expression in the page
//   {"op":"screenshot","path":"...","selector":"..."} a PNG of the page (or of one element)
//   {"op":"errors"}                                   page errors, console errors, CSP reports
//   {"op":"close"}
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const profile = mkdtempSync(join(tmpdir(), 'opsledger-chromium-'));
const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 60000);
// This machine has no network: no background fetches, no updates, no sync, no sandbox (root).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
// Anything but loopback is refused: the page must need nothing from outside.
await context.route('**/*', (route) => {
  const host = new URL(route.request().url()).hostname;
  return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
});
const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(timeout);
const errors = [];
page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
page.on('console', (m) => m.type() === 'error' && errors.push('console: ' + m.text()));

async function run(c) {
  switch (c.op) {
    case 'goto':
      await page.goto(c.url);
      return page.url();
    case 'text': {
      const loc = page.locator(c.selector).filter({ hasText: c.contains }).first();
      await loc.waitFor();
      return await loc.innerText();
    }
    case 'attr': {
      const op = c.contains ? '*=' : '=';
      const sel = `${c.selector}[${c.name}${op}"${c.equals.replace(/"/g, '\\"')}"]`;
      await page.locator(sel).first().waitFor();
      return c.equals;
    }
    case 'slide':
      await page.locator(c.selector).evaluate((el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, String(c.value));
      return await page.locator(c.selector).inputValue();
    case 'eval':
      return await page.evaluate(c.expression);
    case 'screenshot':
      if (c.selector) await page.locator(c.selector).first().screenshot({ path: c.path });
      else await page.screenshot({ path: c.path, fullPage: true });
      return c.path;
    case 'errors':
      return errors;
    default:
      throw new Error('unknown op ' + c.op);
  }
}

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
out({ ok: true, value: 'ready' });
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  if (c.op === 'close') break;
  try {
    out({ ok: true, value: await run(c) });
  } catch (e) {
    out({ ok: false, error: String(e.message || e) });
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
