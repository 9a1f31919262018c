// Removal of a run's containers from a process 'exit' handler, where nothing asynchronous runs any more:
// a short child node process talks to the Engine API (list by label, DELETE ?force) while this one waits.
import { spawnSync } from 'node:child_process';

/** Where the engine listens, as dockerode's modem was configured by testcontainers. */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
}

// argv: [address JSON, label filter value…]. Plain JavaScript: the child is a bare `node -e`.
const SWEEP_SCRIPT = `
const http = require('node:http');
const [addr, ...labels] = process.argv.slice(1);
const base = JSON.parse(addr);
const call = (method, path) => new Promise((resolve) => {
  const req = http.request({ ...base, method, path, timeout: 3000 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve({ status: res.statusCode, body }));
  });
  req.on('error', () => resolve({ status: 0, body: '' }));
  req.on('timeout', () => req.destroy());
  req.end();
});
(async () => {
  for (const label of labels) {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    const list = await call('GET', '/containers/json?all=1&filters=' + filters);
    if (list.status !== 200) continue;
    for (const c of JSON.parse(list.body)) await call('DELETE', '/containers/' + c.Id + '?force=1&v=1');
  }
})();
`;

/** Force-removes every container carrying one of the labels ("key=value"); bounded, never throws. */
export function sweepSync(address: EngineAddress, labels: readonly string[], timeoutMs = 5_000): void {
  if (labels.length === 0 || (!address.socketPath && !address.host)) return;
  const base = address.socketPath ? { socketPath: address.socketPath } : { host: address.host, port: address.port ?? 2375 };
  try {
    spawnSync(process.execPath, ['-e', SWEEP_SCRIPT, JSON.stringify(base), ...labels], { timeout: timeoutMs, stdio: 'ignore' });
  } catch {
    /* best effort: the process is exiting */
  }
}
