/**
 * The page's files from `webmail/public/`, served as they are, except that the page
 * itself gets the contract attributes on `<html>` when someone is signed in. Putting
 * them in the served HTML (not only in script) means a content script sees them from
 * the first moment, whenever it happens to run.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_HEADERS } from './http-util.ts';

/** Directory of the page's static files. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

// Scripts only from here, no plugins, and nobody may frame the webmail. Frames inside
// it are not restricted: the extension mounts its own there.
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves `pathname` from the public directory.
 *
 * @returns false when there is no such file, so the caller can answer 404
 */
export async function serveStatic(
  res: ServerResponse,
  pathname: string,
  account: string | undefined,
): Promise<boolean> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const path = normalize(join(PUBLIC_DIR, relative));
  // normalize() resolves "..": anything that ends up outside the folder is not ours.
  if (!path.startsWith(PUBLIC_DIR.endsWith(sep) ? PUBLIC_DIR : PUBLIC_DIR + sep)) {
    return false;
  }
  const type = TYPES[extname(path)];
  if (!type) return false;

  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    return false;
  }
  if (relative === 'index.html')
    data = Buffer.from(withContract(data.toString(), account));
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': type,
    'Content-Length': data.length,
    'Content-Security-Policy': PAGE_CSP,
  });
  res.end(data);
  return true;
}

/** Adds the contract attributes to the `<html>` tag for a signed-in account. */
export function withContract(html: string, account: string | undefined): string {
  if (account === undefined) return html;
  const attrs =
    ` data-ecosmail-contract="1"` +
    ` data-ecosmail-account="${escapeAttribute(account)}"`;
  // The root element's tag starts its own line in index.html; nothing else does.
  return html.replace(/^<html\b/im, (tag) => tag + attrs);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
