/**
 * A correspondent on another provider, played by the test itself with the
 * product's own core: a key of their own, mail with their Autocrypt header,
 * and reading what our user sends them. It lets one browser prove both
 * directions of a conversation.
 */
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';
import { buildOutgoing, type OutgoingAccount } from '../../src/mail/outgoing';
import { decryptMail, ingestMessage, type DecryptedMail } from '../../src/mail/incoming';
import { base64ToBytes } from '../../src/util/base64';

/** Someone outside the webmail, with their key and what they learned. */
export interface Correspondent {
  account: OutgoingAccount;
  /** Their fingerprint, as our options page shows it. */
  fingerprint: string;
}

/** Makes a correspondent who prefers encryption (`prefer-encrypt=mutual`). */
export async function makeCorrespondent(
  addr: string,
  name: string,
): Promise<Correspondent> {
  const key = await generateKeyPair({ addr, name });
  return {
    account: {
      addr,
      name,
      privateKeyArmored: key.privateKeyArmored,
      keydata: await minimalPublicKey(key.privateKeyArmored, addr),
      prefer_encrypt: 'mutual',
    },
    fingerprint: key.fingerprint,
  };
}

/**
 * A mail from the correspondent to `to`, with their Autocrypt header; in the
 * clear, or encrypted and signed to `encryptTo` certificates.
 */
export function writeMail(
  from: Correspondent,
  to: string,
  subject: string,
  text: string,
  encryptTo: Uint8Array[] | null = null,
): Promise<string> {
  return buildOutgoing(from.account, { to: [to], cc: [], subject, text }, encryptTo);
}

/**
 * Reads a mail our user sent the correspondent: learns the sender's key
 * from its Autocrypt header, as any Autocrypt client would, then decrypts
 * it with the correspondent's own key and checks the signature.
 *
 * @throws Error when the mail carries no usable Autocrypt header
 */
export async function readMail(
  to: Correspondent,
  raw: Uint8Array,
): Promise<{ senderKey: Uint8Array; mail: DecryptedMail }> {
  const learned = await ingestMessage(raw, async () => undefined, Date.now());
  const keydata = learned.peer?.public_key;
  if (!keydata) throw new Error('the mail carried no usable Autocrypt header');
  const senderKey = base64ToBytes(keydata);
  const mail = await decryptMail(raw, to.account.privateKeyArmored, [senderKey]);
  return { senderKey, mail };
}
