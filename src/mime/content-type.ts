/**
 * Reading a Content-Type header value: `type/subtype; name=value; name="quoted"`.
 * postal-mime parses the tree but exposes only header strings for the root, and
 * PGP/MIME detection needs the root type and its `protocol` parameter.
 */

/** A parsed Content-Type: lower-case `type/subtype` and lower-case parameter names. */
export interface ContentType {
  /** Lower-case `type/subtype`; `text/plain` when the header is absent or broken. */
  type: string;
  /** Parameters by lower-case name, values unquoted. */
  params: Map<string, string>;
}

/**
 * Parses a Content-Type value. Missing or malformed values give `text/plain`, the
 * RFC 2045 section 5.2 default.
 */
export function parseContentType(value: string | undefined): ContentType {
  const [head = '', ...rest] = splitParameters(value ?? '');
  const type = head.trim().toLowerCase();
  const params = new Map<string, string>();

  for (const segment of rest) {
    const eq = segment.indexOf('=');
    if (eq <= 0) continue;
    const name = segment.slice(0, eq).trim().toLowerCase();
    params.set(name, unquote(segment.slice(eq + 1).trim()));
  }

  return {
    type: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : 'text/plain',
    params,
  };
}

// Splits at semicolons that are not inside a quoted string.
function splitParameters(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;

  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);

  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}
