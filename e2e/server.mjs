// Starts `kubeplay serve` on a free loopback port for a test and stops it by its PID.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBEPLAY = process.env.KUBEPLAY_BIN || 'target/debug/kubeplay';

export async function startServer(dist = 'dist') {
  if (!existsSync(KUBEPLAY)) throw new Error(`${KUBEPLAY} is missing: build it with cargo build -p kubeplay-server`);
  // The containers lab keeps its images in a folder of this test's own, removed at stop.
  const labDir = mkdtempSync(join(tmpdir(), 'kubeplay-e2e-lab-'));
  const child = spawn(KUBEPLAY, ['serve', '--port', '0', '--dist', dist, '--lab-dir', labDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Stop what we started, so a failed start does not keep the test run alive.
      if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(labDir, { recursive: true, force: true });
      reject(new Error(`kubeplay serve did not start: ${out}`));
    }, 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      // "serving the playground at http://127.0.0.1:PORT/?token=HEX": the page's address, and the token apart.
      const m = out.match(/serving the playground at (http:\/\/[^/\s]+\/)\?token=(\w+)/);
      if (m) { clearTimeout(timer); resolve({ url: m[1], token: m[2] }); }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`kubeplay serve exited with ${code}: ${out}`)); });
  });
  return {
    ...url,
    stop() {
      // Stop exactly the process we started.
      if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(labDir, { recursive: true, force: true });
    },
  };
}
