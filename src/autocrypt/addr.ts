/**
 * Address canonicalisation, as Autocrypt Level 1 defines it.
 *
 * Spec, "Address canonicalization": "the MUA SHOULD at least trim leading and
 * trailing whitespace and convert the address to lower case". Nothing more: no
 * dot or plus folding, because whether those are equivalent is a provider's private
 * business and guessing wrong would merge two people's peer states.
 */

/**
 * The canonical form of an address: trimmed and lower-cased.
 *
 * @example canonicalAddr('  Alice@Example.ORG ') === 'alice@example.org'
 */
export function canonicalAddr(addr: string): string {
  return addr.trim().toLowerCase();
}
