/**
 * The document shown in the sandboxed content frame. Its own policy allows no
 * request of any kind: everything it shows is already inside it.
 */

/**
 * Content-Security-Policy of the content frame: nothing may load, be submitted or
 * run; inline style attributes and `data:` images are the only outside-the-text
 * content. EFAIL countermeasure: the frame itself cannot be a backchannel.
 */
export const CONTENT_FRAME_CSP = [
  "default-src 'none'",
  'img-src data:',
  "style-src 'unsafe-inline'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The `srcdoc` of the content frame for already sanitised body markup. The CSP meta
 * comes first, before anything that could start a request.
 */
export function contentFrameDocument(sanitisedBody: string): string {
  return [
    '<!doctype html><html><head>',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_FRAME_CSP}">`,
    '<meta charset="utf-8">',
    '<style>body{font-family:system-ui,sans-serif;margin:0;padding:.5rem;',
    'overflow-wrap:anywhere}.remote-content{color:#9a5b00;font-style:italic}</style>',
    `</head><body>${sanitisedBody}</body></html>`,
  ].join('');
}
