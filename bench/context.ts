/**
 * What every bench item gets: the browser with the extension, the reference
 * webmail, the bench's own server, and small helpers for the browser side.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Frame, Page, Worker } from 'playwright';
import type { ExtensionBrowser } from '../test/e2e/browser';
import type { Webmail } from '../webmail/server';
import type { BenchServer } from './server';

/** Shared state of one bench run. */
export interface BenchContext {
  ext: ExtensionBrowser;
  webmail: Webmail;
  /** Where the webmail keeps its mail (the bench writes oversized mail there). */
  webmailDir: string;
  server: BenchServer;
  /** The bench user's key pair, as the extension made it. */
  account: { privateKeyArmored: string; publicKeyArmored: string };
  /** A webmail page signed in as the bench user. */
  mailPage: Page;
  /** The plain baseline page in the same browser. */
  baselinePage: Page;
  /** How many times each timed figure is repeated. */
  repeat: number;
}

/** The `chrome` namespace inside the worker and our pages, as far as the bench uses it. */
export interface ChromeLike {
  storage: {
    local: {
      get(key: string | null): Promise<Record<string, unknown>>;
      remove(keys: string[]): Promise<void>;
    };
    session: {
      clear(): Promise<void>;
      getBytesInUse(keys: null): Promise<number>;
      QUOTA_BYTES: number;
    };
    onChanged: {
      addListener(
        listener: (changes: Record<string, unknown>, area: string) => void,
      ): void;
    };
  };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
}

/**
 * tsx compiles the bench with `keepNames`, which wraps inner functions in a
 * `__name()` helper that does not exist in the browser; define a no-op one
 * wherever the bench evaluates code.
 */
export const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/** Makes functions from the bench evaluable in `target`. */
export async function shim(target: Page | Frame | Worker): Promise<void> {
  await (target as Page).evaluate(NAME_SHIM);
}

/** Milliseconds to wait. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** MiB per second for `bytes` in `ms`. */
export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / 1048576 / (ms / 1000);
}

function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: string): string {
  try {
    return /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
  } catch {
    return '';
  }
}

/**
 * The pid of the renderer process that runs our service worker (and our
 * frames): a descendant of the browser started with `profileDir`, flagged
 * `--extension-process`. Linux /proc only; undefined elsewhere.
 */
export function extensionProcess(profileDir: string): string | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const root = pids.find((p) => {
    const cmd = cmdline(p);
    return cmd.includes(`--user-data-dir=${profileDir}`) && !cmd.includes('--type=');
  });
  if (!root) return undefined;

  const descends = (pid: string): boolean => {
    for (let p = pid, hops = 0; p && p !== '0' && hops < 10; hops++) {
      if (p === root) return true;
      p = parentOf(p);
    }
    return false;
  };
  return pids.find((p) => cmdline(p).includes('--extension-process') && descends(p));
}

/** Resident memory of a process in MiB (VmRSS), or NaN when it is gone. */
export function rssMiB(pid: string): number {
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!;
    return Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

/** The service worker's JS heap, read over CDP while it works. */
export interface WorkerHeap {
  /** Used JS heap of the worker now, in MiB (`Runtime.getHeapUsage`). */
  usedMiB(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Attaches to our service worker target over CDP from one of our pages. A
 * Playwright `Worker` has no CDP session of its own, so the page's session
 * attaches to the worker target and relays its messages.
 */
export async function attachWorkerHeap(ext: ExtensionBrowser): Promise<WorkerHeap> {
  const page = await ext.openExtensionPage('options.html');
  const cdp = await ext.context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find(
    (t) =>
      t.type === 'service_worker' &&
      t.url.startsWith(`chrome-extension://${ext.extensionId}/`),
  );
  if (!worker) throw new Error('no service worker target to attach to');
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: worker.targetId,
    flatten: false,
  });

  let nextId = 1;
  const waiting = new Map<number, (bytes: number) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: { usedSize?: number };
    };
    const resolve = message.id === undefined ? undefined : waiting.get(message.id);
    if (!resolve) return;
    waiting.delete(message.id!);
    resolve(message.result?.usedSize ?? NaN);
  });

  return {
    async usedMiB() {
      const id = nextId++;
      const answer = new Promise<number>((resolve) => waiting.set(id, resolve));
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
      });
      // A worker that went away never answers: NaN instead of waiting forever.
      const late = sleep(2000).then(() => NaN);
      return (await Promise.race([answer, late])) / 1048576;
    },
    async close() {
      await cdp.detach();
      await page.close();
    },
  };
}

/** A CDP session on our service worker: send a method, get its result. */
export interface WorkerSession {
  send(method: string, params?: object): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Like {@link attachWorkerHeap}, for any CDP method (the profiler, say). */
export async function attachWorkerSession(ext: ExtensionBrowser): Promise<WorkerSession> {
  const page = await ext.openExtensionPage('options.html');
  const cdp = await ext.context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find(
    (t) =>
      t.type === 'service_worker' &&
      t.url.startsWith(`chrome-extension://${ext.extensionId}/`),
  );
  if (!worker) throw new Error('no service worker target to attach to');
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: worker.targetId,
    flatten: false,
  });

  let nextId = 1;
  const waiting = new Map<number, (result: Record<string, unknown>) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: Record<string, unknown>;
    };
    const resolve = message.id === undefined ? undefined : waiting.get(message.id);
    if (!resolve) return;
    waiting.delete(message.id!);
    resolve(message.result ?? {});
  });

  return {
    async send(method, params = {}) {
      const id = nextId++;
      const answer = new Promise<Record<string, unknown>>((r) => waiting.set(id, r));
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      });
      return answer;
    },
    async close() {
      await cdp.detach();
      await page.close();
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * The functions with the most self time in a CDP CPU profile, as lines of
 * text: where the worker's time went.
 */
export function topSelfTime(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  count = 15,
): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const file = frame.url.split('/').pop() ?? '';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, ms]) =>
        `${ms.toFixed(0).padStart(6)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
    );
}

/**
 * Starts the CDP profiler of the service worker (items run it when
 * `BENCH_PROFILE=1`); `stop` prints the top self times and writes the profile
 * to `var/<name>.cpuprofile` (DevTools opens it).
 */
export async function startProfile(ctx: BenchContext) {
  const session = await attachWorkerSession(ctx.ext);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = (await session.send('Profiler.stop')) as {
        profile: Parameters<typeof topSelfTime>[0];
      };
      await session.close();
      mkdirSync('var', { recursive: true });
      writeFileSync(`var/${name}.cpuprofile`, JSON.stringify(profile));
      console.log(`── profile ${name} (service worker, self time):`);
      for (const line of topSelfTime(profile)) console.log(line);
    },
  };
}
