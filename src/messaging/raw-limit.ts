/**
 * The largest raw mail the extension takes in, shared by the content scripts
 * (which fetch it) and the background (which refuses anything larger).
 *
 * A 25 MiB attachment makes a mail of about 47 MiB: base64 in the MIME part
 * (4/3), then the OpenPGP armor around the encrypted entity (4/3 again, less the
 * attachment's own line breaks). The raw mail crosses Chrome's runtime messaging
 * as base64, and Chrome refuses a message over 64 MiB of JSON: base64 of this
 * bound is 64 MiB less 85 KiB, which leaves room for the envelope.
 */
export const MAX_RAW_MAIL_BYTES = 48 * 1024 * 1024 - 64 * 1024;
