// Starts `kubeplay serve` on a free loopback port for a test and stops it by its PID.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const KUBEPLAY = process.env.KUBEPLAY_BIN || 'target/debug/kubeplay';

export async function startServer(dist = 'dist') {
  if (!existsSync(KUBEPLAY)) throw new Error(`${KUBEPLAY} is missing: build it with cargo build -p kubeplay-server`);
  const child = spawn(KUBEPLAY, ['serve', '--port', '0', '--dist', dist], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeplay serve did not start: ${out}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving the playground at (http:\/\/\S+)/);
      const t = out.match(/token \(for \/api\): (\w+)/);
      if (m && t) { clearTimeout(timer); resolve({ url: m[1], token: t[1] }); }
    });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`kubeplay serve exited with ${code}: ${out}`)); });
  });
  return {
    ...url,
    stop() {
      // Stop exactly the process we started.
      if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    },
  };
}
