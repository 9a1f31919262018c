// The Allure HTML report of a run: `allure generate` (Allure 3, no Java) with allurerc.mjs into a single
// self-contained <reports>/allure-report/index.html, then the analytics snippet removed so viewing it calls nothing.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripAnalyticsFile } from '../../scripts/strip-analytics.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALLURE_CLI = join(ROOT, 'node_modules', 'allure', 'cli.js');
const ALLURE_RC = join(ROOT, 'allurerc.mjs');

export interface AllureReport {
  ok: boolean;
  /** <reports>/allure-report/index.html when ok. */
  index?: string;
  /** Why the report could not be generated. */
  problem?: string;
}

export async function generateAllureReport(reportsDir: string, timeoutMs = 120_000): Promise<AllureReport> {
  const results = join(reportsDir, 'allure-results');
  const output = join(reportsDir, 'allure-report');
  if (!existsSync(results) || readdirSync(results).length === 0) return { ok: false, problem: `no Allure results in ${results}` };
  const output$ = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(process.execPath, [ALLURE_CLI, 'generate', '--config', ALLURE_RC, '--output', output, results], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, text: err.message });
    });
  });
  const index = join(output, 'index.html');
  if (output$.code !== 0 || !existsSync(index)) {
    return { ok: false, problem: `allure generate failed (exit ${output$.code}): ${output$.text.trim().split('\n').slice(-5).join(' | ')}` };
  }
  try {
    stripAnalyticsFile(index);
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
  return { ok: true, index };
}
