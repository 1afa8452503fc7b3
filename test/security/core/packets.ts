/**
 * Hand-built OpenPGP messages for the attack-suite crypto rows: the shapes an
 * attacker sends, which openpgp's high-level API refuses to produce.
 */
import * as openpgp from 'openpgp';

/**
 * The packet internals these tests drive, which openpgp's type declarations keep
 * private: building packets by hand is exactly what its API does not offer.
 */
export interface PacketInternals {
  packets: openpgp.PacketList<openpgp.AnyPacket>;
  encrypted: Uint8Array;
  encrypt(algorithm: number, key: Uint8Array, config?: openpgp.Config): Promise<void>;
  setBytes(bytes: Uint8Array, format: number): void;
  sign(
    key: unknown,
    data: unknown,
    date: Date,
    detached: boolean,
    config: object,
  ): Promise<void>;
  unhashedSubpackets: { type: number; critical: boolean; body: Uint8Array }[];
}

/** `packet` seen with its internals. */
export function internals(packet: object): PacketInternals {
  return packet as unknown as PacketInternals;
}

/** A session key for AES-256. */
export function sessionKey(): { data: Uint8Array; algorithm: 'aes256' } {
  return { data: crypto.getRandomValues(new Uint8Array(32)), algorithm: 'aes256' };
}

/** A literal data packet holding `text`. */
export function literal(text: string | Uint8Array): openpgp.LiteralDataPacket {
  const packet = new openpgp.LiteralDataPacket();
  internals(packet).setBytes(
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
  internals(packet).packets = listOf(inner);
  await internals(packet).encrypt(openpgp.enums.symmetric.aes256, key.data);
  return packet;
}

/** Tag 18 version 1: SEIPD with MDC. */
export async function seipdV1(
  key: { data: Uint8Array },
  inner: openpgp.AnyPacket[],
): Promise<openpgp.SymEncryptedIntegrityProtectedDataPacket> {
  const packet = new openpgp.SymEncryptedIntegrityProtectedDataPacket();
  Object.assign(packet, { version: 1, packets: listOf(inner) });
  await internals(packet).encrypt(openpgp.enums.symmetric.aes256, key.data);
  return packet;
}

/** The binary message made of `packets`, in order. */
export function messageBytes(packets: Iterable<openpgp.AnyPacket>): Uint8Array {
  return listOf([...packets]).write();
}

/** A compressed data packet (`algorithm`: openpgp's enum) holding `inner`. */
export function compressed(
  algorithm: number,
  inner: openpgp.AnyPacket[],
): openpgp.CompressedDataPacket {
  const Compressed = openpgp.CompressedDataPacket as unknown as new (
    config: object,
  ) => openpgp.CompressedDataPacket;
  const packet = new Compressed({
    ...openpgp.config,
    preferredCompressionAlgorithm: algorithm,
  });
  internals(packet).packets = listOf(inner);
  return packet;
}

/** A copy of `bytes` with the byte at `index` (negative: from the end) flipped. */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

/**
 * An RFC 3156 multipart/encrypted mail around `armored`, with the given header
 * lines on top (CRLF, as it arrives over SMTP).
 */
export function pgpMimeMail(headers: string[], armored: string): Uint8Array {
  const raw = [
    ...headers,
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
    '',
    '--b',
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '--b',
    'Content-Type: application/octet-stream',
    '',
    armored,
    '--b--',
    '',
  ];
  return new TextEncoder().encode(raw.join('\r\n'));
}
