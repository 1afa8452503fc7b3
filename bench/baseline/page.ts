/**
 * The baseline page: bare openpgp.js and the browser's own floor, in a plain
 * page of the same browser the extension runs in. Bundled by esbuild and
 * served on loopback by the bench; `run.ts` calls `window.bench.*`.
 */
import * as openpgp from 'openpgp';
import { cfb } from '@noble/ciphers/aes';

/** One timed run: milliseconds, and the longest main-thread task seen meanwhile. */
export interface Timed {
  ms: number;
  longestTaskMs: number;
  bytes: number;
}

// Long tasks (≥ 50 ms) on this page's main thread, collected while timing.
let longest = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
}).observe({ type: 'longtask', buffered: false });

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

// Lets the long-task observer deliver what happened during the timed span.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Bare openpgp.js: read the keys and the armored message, decrypt, and wait
 * for the signature to verify. The inputs are fetched before the clock starts.
 */
async function decryptVerify(opts: {
  messagePath: string;
  privateKeyArmored: string;
  senderArmored: string;
}): Promise<Timed> {
  const armored = await fetchText(opts.messagePath);
  await settle();
  longest = 0;

  const start = performance.now();
  const decryptionKeys = await openpgp.readPrivateKey({
    armoredKey: opts.privateKeyArmored,
  });
  const verificationKeys = await openpgp.readKey({ armoredKey: opts.senderArmored });
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const { data, signatures } = await openpgp.decrypt({
    message,
    decryptionKeys,
    verificationKeys,
    expectSigned: true,
    format: 'binary',
  });
  await signatures[0]!.verified;
  const ms = performance.now() - start;

  await settle();
  return { ms, longestTaskMs: longest, bytes: data.length };
}

function randomData(bytes: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(new ArrayBuffer(bytes));
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < bytes; at += 65536) {
    crypto.getRandomValues(data.subarray(at, Math.min(bytes, at + 65536)));
  }
  return data;
}

/**
 * The SEIPDv1 floor: browsers have no native AES-CFB, so the fastest a page
 * can do is a pure-JS AES-256-CFB decryption of the same number of bytes
 * (noble-ciphers, the engine openpgp.js 6 bundles for it).
 */
function floorCfb(bytes: number): Timed {
  const data = randomData(bytes);
  const key = randomData(32);
  const iv = randomData(16);

  longest = 0;
  const start = performance.now();
  const out = cfb(key, iv).decrypt(data);
  const ms = performance.now() - start;
  return { ms, longestTaskMs: ms, bytes: out.length };
}

/**
 * The SEIPDv2 floor: one native WebCrypto AES-256-GCM decryption and one
 * SHA-512 digest (what an Ed25519 signature hashes) over the same bytes.
 */
async function floorGcm(bytes: number): Promise<Timed> {
  const data = randomData(bytes);
  const iv = randomData(12);
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
  await settle();

  longest = 0;
  const start = performance.now();
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
  await crypto.subtle.digest('SHA-512', plain);
  const ms = performance.now() - start;

  await settle();
  return { ms, longestTaskMs: longest, bytes: plain.byteLength };
}

(globalThis as unknown as { bench: unknown }).bench = {
  decryptVerify,
  floorCfb,
  floorGcm,
};
document.documentElement.setAttribute('data-bench-ready', '1');
