/**
 * Hand-built OpenPGP messages for the attack-suite crypto rows: the shapes an
 * attacker sends, which openpgp's high-level API refuses to produce.
 */
import * as openpgp from 'openpgp';

/** A session key for AES-256. */
export function sessionKey(): { data: Uint8Array; algorithm: 'aes256' } {
  return { data: crypto.getRandomValues(new Uint8Array(32)), algorithm: 'aes256' };
}

/** A literal data packet holding `text`. */
export function literal(text: string | Uint8Array): openpgp.LiteralDataPacket {
  const packet = new openpgp.LiteralDataPacket(new Date());
  packet.setBytes(
    typeof text === 'string' ? new TextEncoder().encode(text) : text,
    openpgp.enums.literal.binary,
  );
  return packet;
}

/** PKESK packets carrying `key` to `publicKeyArmored`. */
export async function sessionKeyPackets(
  key: { data: Uint8Array; algorithm: 'aes256' },
  publicKeyArmored: string,
): Promise<openpgp.PacketList<openpgp.AnyPacket>> {
  const message = await openpgp.encryptSessionKey({
    ...key,
    encryptionKeys: await openpgp.readKey({ armoredKey: publicKeyArmored }),
    format: 'object',
  });
  return message.packets;
}

/** Packets inside an encryption container, for the constructors below. */
function listOf(packets: openpgp.AnyPacket[]): openpgp.PacketList<openpgp.AnyPacket> {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(...packets);
  return list;
}

/** Tag 9: Symmetrically Encrypted Data, no integrity protection (EFAIL's target). */
export async function sedPacket(
  key: { data: Uint8Array },
  inner: openpgp.AnyPacket[],
): Promise<openpgp.SymmetricallyEncryptedDataPacket> {
  const packet = new openpgp.SymmetricallyEncryptedDataPacket();
  packet.packets = listOf(inner) as never;
  await packet.encrypt(openpgp.enums.symmetric.aes256, key.data);
  return packet;
}

/** Tag 18 version 1: SEIPD with MDC. */
export async function seipdV1(
  key: { data: Uint8Array },
  inner: openpgp.AnyPacket[],
): Promise<openpgp.SymEncryptedIntegrityProtectedDataPacket> {
  const packet = new openpgp.SymEncryptedIntegrityProtectedDataPacket();
  Object.assign(packet, { version: 1, packets: listOf(inner) });
  await packet.encrypt(openpgp.enums.symmetric.aes256, key.data);
  return packet;
}

/** The binary message made of `packets`, in order. */
export function messageBytes(packets: Iterable<openpgp.AnyPacket>): Uint8Array {
  return listOf([...packets]).write();
}

/** A copy of `bytes` with the byte at `index` (negative: from the end) flipped. */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
