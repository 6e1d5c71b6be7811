// Loads the war-sample's page in Debian's headless Chromium (through playwright-core) over HTTPS, where the server
// offers h2 by ALPN, and prints one JSON line saying what the browser used: the protocol the page itself came over
// (Navigation Timing's nextHopProtocol, "h2" for HTTP/2), a fetch of /plaintext from the page (its body and
// protocol), and whether the page's own WebSocket on /ws/echo connected. The certificate is self-signed:
// --ignore-certificate-errors. Usage: node h2-page.mjs <https-page-url>
import { chromium } from 'playwright-core';

const [pageUrl] = process.argv.slice(2);
const STEP_TIMEOUT = 60000; // generous: Chromium shares two loaded cores with the servers and the build
setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(2); }, 240000).unref();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // This machine has no network beyond loopback: Chromium's own background traffic would only fail.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'],
});
const report = { page: null, plaintext: null, plaintextProtocol: null, echo: null, errors: [] };
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', (error) => report.errors.push(error.message));
  await page.goto(pageUrl);
  report.page = await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
  [report.plaintext, report.plaintextProtocol] = await page.evaluate(async () => {
    const url = new URL('/plaintext', location.href).href;
    const body = await (await fetch(url, { cache: 'no-store' })).text();
    const entries = performance.getEntriesByName(url);
    return [body, entries[entries.length - 1].nextHopProtocol];
  });
  await page.waitForFunction(() => document.getElementById('echo-log').textContent.split('\n').includes('connected'));
  report.echo = 'connected';
} catch (error) {
  report.errors.push(String(error));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
