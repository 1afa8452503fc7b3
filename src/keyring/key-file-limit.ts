/**
 * The largest key file the options page reads and the background accepts: 32 MiB
 * of text. Keyrings of thousands of keys stay well below it (a modern certificate
 * is a few kilobytes, a photo ID tens of them), and runtime messages carry it
 * without trouble; anything larger is refused before it is read.
 */
export const MAX_KEY_FILE_CHARS = 32 * 1024 * 1024;
