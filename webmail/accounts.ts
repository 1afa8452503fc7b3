/**
 * The provider's accounts and what counts as local mail.
 *
 * Addresses are compared in lower case. RFC 5321 lets the local part be case-sensitive,
 * but no provider we know of uses that, and a demo provider should not surprise.
 */

/** Accounts a fresh webmail starts with. */
export const DEFAULT_ACCOUNTS: readonly string[] = [
  'alice@ecosmail.test',
  'bob@ecosmail.test',
];

// Deliberately narrow: the address also becomes a directory name, so no slashes, no
// dots at the start, no spaces, nothing that needs quoting.
const ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

/** The set of local accounts and the domains they live in. */
export interface Accounts {
  readonly list: readonly string[];
  /** The account with this address, or undefined for anyone else. */
  find(addr: string): string | undefined;
  /** Whether the address's domain is served here (whether or not the user exists). */
  isLocalDomain(addr: string): boolean;
}

/**
 * Checks and normalises the configured accounts.
 *
 * @throws {TypeError} when an address is not a plain `local@domain` account name
 */
export function makeAccounts(addrs: readonly string[]): Accounts {
  const list = addrs.map(normalizeAddress);
  for (const addr of list) {
    if (!ACCOUNT_PATTERN.test(addr)) {
      throw new TypeError(`account: expected local@domain, got ${JSON.stringify(addr)}`);
    }
  }
  const domains = new Set(list.map(domainOf));
  return {
    list,
    find: (addr) => list.find((a) => a === normalizeAddress(addr)),
    isLocalDomain: (addr) => domains.has(domainOf(normalizeAddress(addr))),
  };
}

/** Lower-cases and trims an address for comparison. */
export function normalizeAddress(addr: string): string {
  return addr.trim().toLowerCase();
}

function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1);
}
