// Child process for the no-engine tests: a fresh testcontainers (nothing cached) under the environment and uid
// the parent chose. Prints one JSON line: { ok, message, exitCode, ms }.
import { requireDocker } from '../../../harness/targets/docker.js';

const t0 = performance.now();
try {
  const engine = await requireDocker(Number(process.argv[2] ?? 5000));
  console.log(JSON.stringify({ ok: true, message: engine.uri, ms: performance.now() - t0 }));
} catch (err) {
  const e = err as Error & { exitCode?: number };
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, exitCode: e.exitCode, ms: performance.now() - t0 }));
}
process.exit(0);
