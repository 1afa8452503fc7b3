/**
 * The store packages `npm run zip` makes: the Chrome Web Store zip, the AMO
 * zip and the sources zip AMO reviewers rebuild from. Each manifest must be
 * valid for its store, the Firefox build must pass `web-ext lint` with only
 * the warnings the README explains, and a clean install and build from the
 * unpacked sources must give both zips' files byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amoProblems,
  chromeStoreProblems,
  type Manifest,
  type ZipView,
} from './store-manifests';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  version: string;
};
const zipPath = (kind: string) =>
  resolve(`.output/${pkg.name}-${pkg.version}-${kind}.zip`);

/** A zip's files, by path. */
type Files = Map<string, Buffer>;

async function unzip(path: string): Promise<Files> {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const files: Files = new Map();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) files.set(entry.name, await entry.async('nodebuffer'));
  }
  return files;
}

function view(files: Files): ZipView {
  return {
    has: (path) => files.has(path.replace(/^\//, '')),
    text: (path) => files.get(path.replace(/^\//, ''))?.toString('utf8') ?? '',
  };
}

function manifestOf(files: Files): Manifest {
  return JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '{}') as Manifest;
}

function writeTree(files: Files, dir: string): void {
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
}

/**
 * The environment of a shell, without what vitest sets: `NODE_ENV=test`
 * switches the libraries we bundle to other code, so a build run from here
 * with it would not be the store build.
 */
function plainEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST') && k !== 'TEST',
    ),
  );
}

function run(cmd: string, args: string[], cwd: string) {
  const out = spawnSync(cmd, args, {
    cwd,
    env: plainEnv(),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${out.stderr}${out.stdout}`);
  }
  return out.stdout;
}

/**
 * `web-ext lint` warnings we accept, each explained in the README
 * ("web-ext lint"). The check names the code and what must be true of it.
 */
const EXPLAINED_WARNINGS: Record<string, (line: string) => boolean> = {
  // Preact's renderer supports `dangerouslySetInnerHTML`; our code never
  // uses it (eslint forbids it), so that branch never runs.
  // DOMPurify, when DOMParser fails, parses the untrusted HTML by setting
  // innerHTML on a fresh inert document from createDocument (nothing in it
  // runs or loads); that is the sanitiser doing its job.
  UNSAFE_VAR_ASSIGNMENT: (line) =>
    line.includes('dangerouslySetInnerHTML') ||
    (line.includes('createDocument(') && line.includes('documentElement.innerHTML')),
};

describe('store zips (npm run zip)', () => {
  const zips = new Map<string, Files>();
  const work = mkdtempSync(join(tmpdir(), 'ecosmail-zips-'));

  beforeAll(async () => {
    for (const kind of ['chrome', 'firefox', 'sources']) {
      try {
        zips.set(kind, await unzip(zipPath(kind)));
      } catch (err) {
        throw new Error(`${zipPath(kind)}: ${(err as Error).message}; run npm run zip`);
      }
    }
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('should hold a manifest the Chrome Web Store accepts', () => {
    const files = zips.get('chrome')!;
    expect(chromeStoreProblems(manifestOf(files), view(files))).toEqual([]);
  });

  it('should hold a manifest AMO accepts', () => {
    const files = zips.get('firefox')!;
    expect(amoProblems(manifestOf(files), view(files))).toEqual([]);
  });

  it('should find the problems in manifests a store would refuse', () => {
    const files = zips.get('firefox')!;
    const firefox = manifestOf(files);
    const chromeOnFirefox = chromeStoreProblems(firefox, view(files));
    expect(chromeOnFirefox).toContain(
      'background.service_worker is missing or not in the zip',
    );
    const bare = { ...firefox, icons: {}, manifest_version: 2, version: '1.x' };
    expect(amoProblems(bare, view(files))).toEqual(
      expect.arrayContaining([
        'manifest_version is not 3',
        'version 1.x is not 1-4 dot-separated integers',
        'no 48 px icon',
        'no 96 px icon',
      ]),
    );
  });

  it('should pass web-ext lint with no errors and only explained warnings', () => {
    const dir = join(work, 'firefox');
    writeTree(zips.get('firefox')!, dir);
    const stdout = run(
      'npx',
      ['web-ext', 'lint', '--source-dir', dir, '--output', 'json', '--no-input'],
      process.cwd(),
    );
    type Finding = { code: string; file?: string; line?: number; column?: number };
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      errors: Finding[];
      warnings: Finding[];
    };
    expect(report.errors).toEqual([]);

    const unexplained = report.warnings.filter((w) => {
      const explains = EXPLAINED_WARNINGS[w.code];
      if (!explains || !w.file) return true;
      const lines = readFileSync(join(dir, w.file), 'utf8').split('\n');
      const line = lines[(w.line ?? 1) - 1] ?? '';
      const at = w.column ?? 0;
      return !explains(line.slice(Math.max(0, at - 400), at + 400));
    });
    expect(unexplained).toEqual([]);
  });

  it('should ship only the extension sources and the lock in the sources zip', () => {
    const paths = [...zips.get('sources')!.keys()];
    expect(paths).toContain('package-lock.json');
    expect(paths).toContain('wxt.config.ts');
    const outside = paths.filter(
      (p) => !/^(entrypoints|src|public)\//.test(p) && !/^[\w.-]+$/.test(p),
    );
    expect(outside).toEqual([]);
  });

  it('should rebuild both store zips byte for byte from the unpacked sources', async () => {
    const dir = join(work, 'sources');
    writeTree(zips.get('sources')!, dir);

    // What an AMO reviewer does: a clean install from the lock, then the build.
    // TODO(2026-12-04): this install needs the npm registry or a warm npm
    // cache, and takes 25-45 s; on a machine with neither the test fails
    // rather than skips. Only the files inside the zips are compared: the
    // zip archives themselves differ (entry timestamps), which AMO ignores.
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    for (const [kind, target, args] of [
      ['chrome', 'chrome-mv3', []],
      ['firefox', 'firefox-mv3', ['-b', 'firefox', '--mv3']],
    ] as const) {
      run('npx', ['wxt', 'zip', ...args], dir);
      const rebuilt = await unzip(
        join(dir, '.output', `${pkg.name}-${pkg.version}-${kind}.zip`),
      );
      const shipped = zips.get(kind)!;
      expect([...rebuilt.keys()].sort(), target).toEqual([...shipped.keys()].sort());
      const differing = [...shipped].filter(([p, b]) => !rebuilt.get(p)?.equals(b));
      expect(
        differing.map(([p]) => p),
        target,
      ).toEqual([]);
    }
  }, 300_000);
});
