// Drives Debian's headless Chromium (through playwright-core) through the war-sample's page as a person would:
// two tabs join one chat room and each sees the other's message; one tab echoes a text and a binary message
// on /ws/echo. What the browser saw is printed as one JSON line: the page's log lines, the opcodes of the echo
// frames, and every WebSocket handshake response's status and Sec-WebSocket-Extensions (read over the DevTools
// protocol), so the Java test can compare the connectors. Screenshots of both tabs go to <screenshot-prefix>-*.png.
// Usage: node chat-and-echo.mjs <page-url> <screenshot-prefix>
import { chromium } from 'playwright-core';

const [pageUrl, screenshotPrefix] = process.argv.slice(2);
const STEP_TIMEOUT = 60000; // generous: Chromium shares two loaded cores with the servers and the build
setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(2); }, 240000).unref();

const report = { handshakes: [], echo: [], echoFrames: [], chat: { ann: [], bob: [] }, pageExtensions: null, errors: [] };

/** A tab whose WebSocket handshakes and /ws/echo frames are recorded over the DevTools protocol. */
async function openTab(context, name) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', (error) => report.errors.push(`${name}: ${error.message}`));
  const devtools = await context.newCDPSession(page);
  await devtools.send('Network.enable');
  const urls = new Map();
  devtools.on('Network.webSocketCreated', (event) => urls.set(event.requestId, new URL(event.url).pathname));
  devtools.on('Network.webSocketHandshakeResponseReceived', (event) => {
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    report.handshakes.push({ tab: name, path: urls.get(event.requestId), status: event.response.status,
      extensions: headers['sec-websocket-extensions'] ?? null });
  });
  devtools.on('Network.webSocketFrameReceived', (event) => {
    if (urls.get(event.requestId)?.endsWith('/ws/echo')) {
      report.echoFrames.push(event.response.opcode === 1 ? 'text' : event.response.opcode === 2 ? 'binary' : 'opcode ' + event.response.opcode);
    }
  });
  await page.goto(pageUrl);
  return page;
}

/** Waits until the page's <pre id=log> holds a line equal to `line`. */
async function awaitLine(page, log, line) {
  await page.waitForFunction(([id, expected]) =>
    document.getElementById(id).textContent.split('\n').includes(expected), [log, line]);
}

const lines = (page, log) => page.$eval('#' + log, (pre) => pre.textContent.split('\n').filter((l) => l));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // This machine has no network beyond loopback: Chromium's own background traffic would only fail.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const ann = await openTab(context, 'ann');
  const bob = await openTab(context, 'bob');

  // Echo, from Ann's tab: the page opens /ws/echo on load.
  await awaitLine(ann, 'echo-log', 'connected');
  report.pageExtensions = await ann.evaluate(() => echo.extensions);
  const text = 'héllo from Chromium ✓';
  await ann.fill('#echo-text', text);
  await ann.click('#echo-form button:not([type])');
  await awaitLine(ann, 'echo-log', 'text back: ' + text);
  await ann.click('#echo-binary');
  await awaitLine(ann, 'echo-log', `binary back (${Buffer.byteLength(text)} bytes): ${text}`);
  report.echo = await lines(ann, 'echo-log');

  // Chat: both tabs join one room; each greeting arrives after that member is registered.
  for (const [page, name] of [[ann, 'ann'], [bob, 'bob']]) {
    await page.fill('#chat-room', 'browsers');
    await page.fill('#chat-name', name);
    await page.click('#chat-join button');
    await awaitLine(page, 'chat-log', 'server: joined browsers');
    await page.waitForSelector('#chat-text:not([disabled])');
  }
  await ann.fill('#chat-text', 'hi Bob, it is Ann');
  await ann.click('#chat-send');
  await awaitLine(bob, 'chat-log', 'ann: hi Bob, it is Ann');
  await bob.fill('#chat-text', 'hi Ann ✓');
  await bob.click('#chat-send');
  await awaitLine(ann, 'chat-log', 'bob: hi Ann ✓');
  await awaitLine(bob, 'chat-log', 'bob: hi Ann ✓');
  report.chat.ann = await lines(ann, 'chat-log');
  report.chat.bob = await lines(bob, 'chat-log');

  await ann.screenshot({ path: `${screenshotPrefix}-ann.png`, fullPage: true });
  await bob.screenshot({ path: `${screenshotPrefix}-bob.png`, fullPage: true });
} catch (error) {
  report.errors.push(String(error.message ?? error).split('\n')[0]);
} finally {
  await browser.close();
}
// Handshakes arrive in an order the network decides: sort them so both connectors print the same report.
report.handshakes.sort((a, b) => (a.tab + a.path).localeCompare(b.tab + b.path));
console.log(JSON.stringify(report));
process.exit(report.errors.length ? 1 : 0);
