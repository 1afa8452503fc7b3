/**
 * The provider's spam verdict. A real provider runs a filter that adds
 * `X-Spam-Flag: YES` (SpamAssassin's field) to mail it judges to be spam; the
 * reference webmail has no filter and takes that field, as the message arrives,
 * as the verdict, so tests can file mail into Spam. Such mail goes to the Spam
 * folder, and the page marks its message view as spam for the extension (page
 * contract, `data-ecosmail-spam`), which then learns no Autocrypt state from it.
 */

/** Whether the header section of `raw` carries `X-Spam-Flag: YES`. */
export function isMarkedSpam(raw: Uint8Array): boolean {
  const text = Buffer.from(raw).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return /^x-spam-flag:[ \t]*yes\b/im.test(head);
}
