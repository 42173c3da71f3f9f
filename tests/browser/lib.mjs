/*
 * lib.mjs — what the browser checks share: starting the real atelier
 * binary on a free port with a temporary database and the repository's
 * sessions/, reading the facilitator links it prints, and launching the
 * system Chromium through playwright-core (never a downloaded browser).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_DIR = process.env.ATELIER_SOURCE_DIR ||
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM = process.env.ATELIER_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
];

export function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/* Waits until fn() returns a truthy value (or throws after ms). */
export async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
}

/* The atelier binary: $ATELIER_BIN. */
export function atelierBin() {
  const bin = process.env.ATELIER_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error('atelier binary not found: set ATELIER_BIN');
  }
  return bin;
}

/*
 * A running server. start() launches `atelier serve` on 127.0.0.1 (port 0
 * the first time, then the same port again after a stop, so pages can
 * reconnect), waits for the port file and the facilitator line.
 */
export class Server {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'atelier-browser-'));
    this.db = join(this.dir, 'test.db');
    this.portFile = join(this.dir, 'port');
    this.port = 0;
    this.proc = null;
    this.output = '';
    this.seminars = new Map(); /* code -> key */
  }

  get base() {
    return 'http://127.0.0.1:' + this.port;
  }

  async start() {
    rmSync(this.portFile, { force: true });
    this.output = '';
    const args = ['serve', '--listen', '127.0.0.1:' + this.port, '--port-file', this.portFile,
      '--db', this.db, '--sessions', join(SOURCE_DIR, 'sessions'), '--web', join(SOURCE_DIR, 'web')];
    const proc = spawn(atelierBin(), args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    /* Never leave a server behind, whatever ends this process. */
    process.once('exit', () => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
    proc.stdout.on('data', (d) => { this.output += d; });
    proc.stderr.on('data', (d) => { this.output += d; });
    const exited = new Promise((done) => proc.on('exit', (code) => done(code)));
    this.exited = exited;
    await until(async () => {
      if (proc.exitCode !== null) throw new Error('atelier serve exited: ' + this.output);
      if (!existsSync(this.portFile)) return false;
      const text = readFileSync(this.portFile, 'utf8').trim();
      return /^\d+$/.test(text) && /cle=/.test(this.output) ? text : false;
    }, 10000, 'the server to start');
    this.port = Number(readFileSync(this.portFile, 'utf8').trim());
    const re = /animation\.html#code=([A-Za-z0-9]+)&cle=(\S+)/g;
    let m;
    while ((m = re.exec(this.output)) !== null) this.seminars.set(m[1], m[2]);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  async cleanup() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/* Launches the system Chromium. playwright-core makes a fresh temporary
 * profile (--user-data-dir) for every launch and removes it on close. */
export async function launchBrowser() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error('playwright-core is not installed: npm ci --prefix tests/browser');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/* The seminar definitions in sessions/ that fix their join code, by code. */
export function definitions() {
  const out = new Map();
  const dir = join(SOURCE_DIR, 'sessions');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const d = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (d.code) out.set(d.code, d);
  }
  return out;
}
