/** Small helpers for answering node:http requests. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown by handlers to answer with a status and a short JSON error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Headers every response carries. */
export const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': data.length,
  });
  res.end(data);
}

/** Answers with a redirect to `location` (303: the browser follows with GET). */
export function redirect(res: ServerResponse, location: string, cookie?: string): void {
  const headers: Record<string, string> = { ...BASE_HEADERS, Location: location };
  if (cookie) headers['Set-Cookie'] = cookie;
  res.writeHead(303, headers);
  res.end();
}

/**
 * Reads the request body, refusing more than `limit` bytes.
 *
 * @throws {HttpError} 413 when the body is larger than `limit`
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body. The Content-Type must say JSON: a cross-site form cannot send
 * that without a CORS preflight, which this server never grants.
 *
 * @throws {HttpError} 415 for another content type, 400 for malformed JSON
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'expected Content-Type: application/json');
  }
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed JSON');
  }
}

/** Reads an `application/x-www-form-urlencoded` body into its fields. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(req, 16 * 1024);
  return new URLSearchParams(body.toString('utf8'));
}
