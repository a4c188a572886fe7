// Drives one headless Chromium for the Java browser ITs (BrowserPage.java), one JSON command a line on stdin, one
// JSON answer a line on stdout: {"id":1,"op":"open","url":"..."} -> {"id":1,"ok":true,"value":...}.
// Ops: open (a fresh browser context, so fresh localStorage), goto, eval (an expression, awaited), wait (until an
// expression is truthy; its value), reload, console (what the page logged and threw), screenshot, close; and tabs
// in the same context (shared localStorage): openTab (becomes the current page), useTab, closeTab.
// Playwright gives the browser a fresh, temporary profile (--user-data-dir) of its own.
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: process.env.SIMPLEPUSH_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
});

let context = null;
let page = null;
const logs = new Map(); // page -> what it logged and threw

async function newTab(url) {
  page = await context.newPage();
  const logged = [];
  logs.set(page, logged);
  page.on('console', (message) => logged.push(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
  await page.goto(url);
}

async function open(url, viewport) {
  if (context) await context.close();
  logs.clear();
  context = await browser.newContext({ viewport: viewport || { width: 1100, height: 760 } });
  await newTab(url);
}

const ops = {
  open: (c) => open(c.url, c.viewport),
  goto: (c) => page.goto(c.url).then(() => null),
  eval: (c) => page.evaluate(c.js),
  wait: async (c) => (await page.waitForFunction(c.js, null, { timeout: c.timeoutMs, polling: 20 })).jsonValue(),
  reload: () => page.reload().then(() => null),
  console: () => logs.get(page).slice(),
  openTab: (c) => newTab(c.url).then(() => context.pages().indexOf(page)),
  useTab: (c) => { page = context.pages()[c.index]; return null; },
  closeTab: async () => {
    await page.close({ runBeforeUnload: false });
    page = context.pages()[0];
    return null;
  },
  screenshot: (c) => page.screenshot({ path: c.path, fullPage: true }).then(() => null),
  close: async () => {
    if (context) await context.close();
    context = page = null;
    logs.clear();
  },
};

const out = (answer) => process.stdout.write(JSON.stringify(answer) + '\n');
out({ id: 0, ok: true, value: browser.version() });

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let command;
  try {
    command = JSON.parse(line);
    const value = await ops[command.op](command);
    out({ id: command.id, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    out({ id: command ? command.id : -1, ok: false, error: String(error && error.stack || error) });
  }
}
await browser.close();
