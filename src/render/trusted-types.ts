/**
 * The Trusted Types policy names our extension pages allow (CSP `trusted-types`),
 * apart from the policy code so that the build config can read them without
 * loading DOMPurify.
 */

/** Ours: its createHTML runs DOMPurify (see `trusted-html.ts`). */
export const TRUSTED_HTML_POLICY = 'ecosmail-sanitised-html';

/** DOMPurify's own, which it needs to parse the markup it is cleaning. */
export const DOMPURIFY_POLICY = 'dompurify';
