/**
 * The one Trusted Types policy of our pages (attack suite EX-07). The extension
 * pages' CSP says `require-trusted-types-for 'script'`, so an HTML sink such as
 * `innerHTML` or `iframe.srcdoc` throws for a plain string. The only way to get
 * markup past that is this policy, and its only way in is DOMPurify: whatever
 * string it is handed is sanitised and wrapped in the content frame's document
 * before it becomes `TrustedHTML`.
 *
 * Where the browser has no Trusted Types (older Firefox), the same sanitised
 * string is returned and the sandboxed frame and its CSP remain the walls.
 */
import { contentFrameDocument } from './content-frame';
import { sanitiseHtml } from './sanitise-html';
import { TRUSTED_HTML_POLICY } from './trusted-types';

/** The subset of the Trusted Types API we use (not yet in TypeScript's DOM lib). */
interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createHTML(input: string, placeholder?: string): string },
  ): { createHTML(input: string, placeholder: string): unknown };
}

/**
 * An opaque value for an HTML sink: `TrustedHTML` where the browser enforces Trusted
 * Types, else the sanitised string. Only {@link contentFrameHtml} makes one.
 */
export type SanitisedHtml = string & { readonly __sanitised: unique symbol };

const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;

// Created once, when the module loads. The CSP names only this policy and
// DOMPurify's; only our own bundled script can create either.
const policy = factory?.createPolicy(TRUSTED_HTML_POLICY, {
  createHTML: (untrusted, placeholder) =>
    contentFrameDocument(sanitiseHtml(untrusted, placeholder ?? '')),
});

/**
 * The `srcdoc` of the sandboxed content frame for untrusted decrypted HTML:
 * sanitised by DOMPurify, wrapped with the frame's CSP, and typed for the sink.
 *
 * @param untrustedHtml HTML from a decrypted message, as it came
 * @param placeholder translated text shown instead of a remote image
 */
export function contentFrameHtml(untrustedHtml: string, placeholder: string) {
  const html = policy
    ? policy.createHTML(untrustedHtml, placeholder)
    : contentFrameDocument(sanitiseHtml(untrustedHtml, placeholder));
  return html as SanitisedHtml;
}
