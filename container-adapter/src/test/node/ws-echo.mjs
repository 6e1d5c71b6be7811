// Talks to an echo endpoint as a Node.js application using `ws` would, and prints what it saw as one JSON line:
// the extensions the server accepted, how many messages came back identical, the mismatches, the close codes.
// Usage: node ws-echo.mjs <ws-url> <whole|fragmented|concurrent> <deflate: on|off> [clients]
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';

const [url, scenario, deflate, clientCount] = process.argv.slice(2);
const perMessageDeflate = deflate === 'on';
setTimeout(() => { console.log(JSON.stringify({ error: 'timed out' })); process.exit(2); }, 90000).unref();

/** Opens one client; `next()` resolves with the next message received, `closed` with the close code. */
function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate });
    const received = [];
    const waiting = [];
    ws.on('message', (data, isBinary) => {
      const message = { data: Buffer.from(data), isBinary };
      if (waiting.length) waiting.shift()(message); else received.push(message);
    });
    ws.closed = new Promise((done) => ws.on('close', (code) => done(code)));
    ws.next = () => received.length ? Promise.resolve(received.shift()) : new Promise((r) => waiting.push(r));
    ws.on('error', reject);
    ws.on('open', () => resolve(ws));
  });
}

/** Text and binary messages on both sides of the frame-length encodings (125/126, 65535/65536 bytes). */
function messages() {
  const sizes = [0, 1, 125, 126, 65535, 65536];
  const list = [{ data: Buffer.from('héllo, wörld ✓ 😀'), isBinary: false }];
  for (const size of sizes) {
    list.push({ data: Buffer.alloc(size, 'corral '.repeat(3)), isBinary: false });
    list.push({ data: randomBytes(size), isBinary: true });
  }
  return list;
}

/** Sends each message (in three fragments when asked) and checks the echo is the same type and bytes. */
async function echoAll(ws, list, fragmented, report) {
  for (const [index, message] of list.entries()) {
    if (fragmented) {
      // Cut by bytes, not characters: a text fragment may end inside a UTF-8 sequence, as RFC 6455 allows.
      const cuts = [0, Math.floor(message.data.length / 3), Math.floor(2 * message.data.length / 3), message.data.length];
      for (let part = 0; part < 3; part++) {
        ws.send(message.data.subarray(cuts[part], cuts[part + 1]), { binary: message.isBinary, fin: part === 2 });
      }
    } else {
      ws.send(message.data, { binary: message.isBinary });
    }
    const echo = await ws.next();
    if (echo.isBinary === message.isBinary && echo.data.equals(message.data)) {
      report.echoed++;
    } else {
      report.mismatches.push(`message ${index}: sent ${message.data.length} bytes binary=${message.isBinary}, `
        + `got ${echo.data.length} bytes binary=${echo.isBinary}`);
    }
  }
}

async function session(fragmented, report) {
  const ws = await connect();
  report.extensions.push(ws.extensions);
  await echoAll(ws, messages(), fragmented, report);
  ws.close(1000);
  report.closeCodes.push(await ws.closed);
}

const report = { sent: 0, echoed: 0, mismatches: [], extensions: [], closeCodes: [], failures: [] };
const clients = scenario === 'concurrent' ? Number(clientCount) : 1;
report.sent = clients * messages().length;
await Promise.all(Array.from({ length: clients }, () =>
  session(scenario === 'fragmented', report).catch((failure) => report.failures.push(String(failure)))));
report.extensions = [...new Set(report.extensions)];
report.closeCodes = [...new Set(report.closeCodes)];
report.mismatches = report.mismatches.slice(0, 10);
report.failures = report.failures.slice(0, 10);
console.log(JSON.stringify(report));
