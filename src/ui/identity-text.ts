/**
 * Addresses as our trust UI shows them. Unicode TR36: bidirectional controls can
 * reorder what the user reads (`evil\u202Eed.moc` reads as "evilcom.de"), and
 * letters from two scripts (Latin `a` beside Cyrillic `а`) make look-alikes of a
 * known address. Controls are removed; mixed scripts are flagged, not "fixed".
 */

// U+200E/U+200F marks, U+202A–U+202E embeddings and overrides, U+2066–U+2069
// isolates, U+061C Arabic letter mark.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g;

const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** An identity ready for display, with what the UI must warn about. */
export interface ShownIdentity {
  /** The text without bidirectional controls. */
  text: string;
  /** The text held bidirectional controls, now removed. */
  hadBidiControls: boolean;
  /** Letters of more than one of Latin, Cyrillic and Greek appear together. */
  mixedScripts: boolean;
}

/** Prepares an address (or any identity string) for our status and trust UI. */
export function showIdentity(value: string): ShownIdentity {
  const text = value.replace(BIDI_CONTROLS, '');
  const scripts = SCRIPTS.filter((script) => script.test(text)).length;
  return { text, hadBidiControls: text !== value, mixedScripts: scripts > 1 };
}
