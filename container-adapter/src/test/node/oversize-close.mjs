// Sends one over-size binary message per connection, `runs` times in a row, and prints the close code
// each connection ended with, as JSON: what a Node.js application using `ws` would see.
// Usage: node oversize-close.mjs <ws-url> <runs> <message-bytes>
import WebSocket from 'ws';

const [url, runs, size] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const message = Buffer.alloc(size, 0x61);

function once() {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => { ws.terminate(); resolve('timeout'); }, 20000);
    ws.on('open', () => ws.send(message));
    ws.on('error', () => {}); // a reset surfaces as close code 1006 right after
    ws.on('close', (code) => { clearTimeout(timer); resolve(code); });
  });
}

const codes = [];
for (let i = 0; i < runs; i++) {
  codes.push(await once());
}
console.log(JSON.stringify(codes));
