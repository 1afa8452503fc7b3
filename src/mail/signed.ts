/**
 * Checking signed mail that is not encrypted: an RFC 3156 multipart/signed root or
 * an inline cleartext signature in the text body.
 */

import { parseContentType } from '../mime/content-type';
import { contentText, parseMailDetailed } from '../mime/parse';
import { signedPartBytes } from '../mime/signed';
import { verifyCleartext, verifyDetached, type SignatureCheck } from '../openpgp/gateway';
import { readProtectedHeaders, type ProtectedHeaders } from './protected-headers';

/** What a signed (not encrypted) message says and who signed it. */
export interface SignedMail {
  /** How it is signed; `none` when it is not (or the signature is unreadable). */
  form: 'multipart-signed' | 'inline' | 'none';
  /** The signature verdict. */
  signature: SignatureCheck;
  /** The text body (the signed text for an inline signature). */
  text: string;
  /**
   * Protected headers of the signed part. Set only when the signature is valid:
   * unverified "protected" headers are no better than the outer ones.
   */
  protectedHeaders: ProtectedHeaders | null;
}

/**
 * Verifies the signature of an unencrypted message against `certs`.
 *
 * TODO(2026-12-04): only a multipart/signed ROOT is checked; one nested inside a
 * multipart/mixed (mailing-list footers) reads as unsigned. Finding it needs the
 * raw bytes of a sub-entity, which postal-mime does not give.
 *
 * @throws MimeError when the message cannot be parsed
 */
export async function verifySignedMail(
  raw: Uint8Array,
  certs: Uint8Array[],
): Promise<SignedMail> {
  const parsed = await parseMailDetailed(raw);
  const text = parsed.mail.text ?? '';

  if (parsed.mail.contentType === 'multipart/signed') {
    return verifyMultipartSigned(raw, parsed, certs);
  }

  const inline = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?-----END PGP SIGNATURE-----/;
  const block = inline.exec(text);
  if (block) {
    const checked = await verifyCleartext(block[0], certs);
    return { form: 'inline', ...checked, protectedHeaders: null };
  }

  return { form: 'none', signature: { status: 'none' }, text, protectedHeaders: null };
}

// RFC 3156 section 5: the first part is signed as transmitted, the second part is an
// application/pgp-signature.
async function verifyMultipartSigned(
  raw: Uint8Array,
  parsed: Awaited<ReturnType<typeof parseMailDetailed>>,
  certs: Uint8Array[],
): Promise<SignedMail> {
  const boundary = parseContentType(parsed.header('content-type')[0]).params.get(
    'boundary',
  );
  const signed = boundary ? signedPartBytes(raw, boundary) : null;
  const signaturePart = parsed.email.attachments.find(
    (part) => part.mimeType === 'application/pgp-signature',
  );
  const text = parsed.mail.text ?? '';
  if (!signed || !signaturePart) {
    return { form: 'none', signature: { status: 'none' }, text, protectedHeaders: null };
  }

  const signature = await verifyDetached({
    data: signed,
    signature: contentText(signaturePart),
    verificationCerts: certs,
  });
  const protectedHeaders =
    signature.status === 'valid'
      ? readProtectedHeaders(await parseMailDetailed(signed))
      : null;

  return { form: 'multipart-signed', signature, text, protectedHeaders };
}
