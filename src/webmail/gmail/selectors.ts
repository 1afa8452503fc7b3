/**
 * Every selector the Gmail integration uses, one ordered list per role.
 *
 * Gmail's class names are obfuscated and change without notice, so each role
 * lists a semantic selector first (data-*, ARIA, `name`) and then class chains,
 * newest first. The adapter records which entry matched (see `adapter.ts`), so
 * a drift shows up as a higher variant index long before a role stops matching.
 * Localised `aria-label` texts are never used: they differ per user language.
 */

/** One way of finding a role, and what it targets. */
export interface SelectorVariant {
  /** A CSS selector, evaluated relative to the role's scope. */
  css: string;
  /** What it targets and when it was seen; for the diagnostics record. */
  note: string;
}

/** The roles the adapter finds, each with its variants in order of preference. */
export const SELECTORS = {
  /** An expanded message: the element carrying the message ids. */
  message: [
    { css: '[data-legacy-message-id]', note: 'API id attribute, 2018 onwards' },
    { css: '[data-message-id]', note: 'msg-f/msg-a id attribute' },
    { css: 'div.adn.ads', note: 'expanded message container class' },
    { css: 'div.adn', note: 'message container class' },
  ],
  /**
   * Inside a message: where our reader frame goes (Gmail's body area). Its
   * children (the rendered body `div.a3s`, quoted parts) are hidden, not
   * removed, while our frame shows.
   */
  bodyMount: [
    { css: 'div.ii.gt', note: 'body wrapper' },
    { css: '.adP', note: 'older body wrapper' },
  ],
  /** The conversation's subject heading, which carries the thread id. */
  subject: [
    { css: 'h2[data-legacy-thread-id]', note: 'API thread id attribute' },
    { css: 'h2.hP', note: 'subject class' },
    { css: '.ha h2', note: 'subject inside its header row' },
  ],
  /** A compose window (new message, or an inline reply box). */
  compose: [
    { css: '[role=dialog]:has(form)', note: 'dialog holding the compose form' },
    { css: '[role=region]:has(form)', note: 'docked compose region' },
    { css: 'div.M9', note: 'compose root class' },
    { css: 'div.nr.tMHS5d', note: 'inline reply box' },
  ],
  /** Inside a compose window: the rich-text body. */
  composeBody: [
    {
      css: 'div[g_editable=true][role=textbox][contenteditable=true]',
      note: 'editable body by attributes',
    },
    { css: 'div.Am.Al.editable', note: 'editable body class' },
    { css: '.Ap [g_editable=true]', note: 'older body wrapper' },
  ],
  /** Inside a compose window: the To field's chips (address in an attribute). */
  recipientTo: [
    { css: '[name=to] [data-hovercard-id]', note: 'To chips, 2023 picker' },
    { css: 'input[name=to]', note: 'To input with comma-separated value' },
    { css: 'textarea.vO[name=to]', note: 'older To textarea' },
  ],
  /** Inside a compose window: the Cc field's chips. */
  recipientCc: [
    { css: '[name=cc] [data-hovercard-id]', note: 'Cc chips, 2023 picker' },
    { css: 'input[name=cc]', note: 'Cc input with comma-separated value' },
    { css: 'textarea.vO[name=cc]', note: 'older Cc textarea' },
  ],
  /** Inside a compose window: the subject input. */
  composeSubject: [
    { css: 'input[name=subjectbox]', note: 'visible subject input' },
    { css: 'input.aoT', note: 'subject input class' },
    { css: 'input[name=subject]', note: 'hidden subject input' },
  ],
  /** Inside a compose window: where our Encrypt control goes (beside Send). */
  composeToolbar: [
    { css: '.IZ .Up', note: 'send button cell' },
    { css: 'div.T-I.aoO', note: 'send button (control goes after it)' },
    { css: 'form', note: 'the compose form itself' },
  ],
} as const satisfies Record<string, readonly SelectorVariant[]>;

/** A role name. */
export type Role = keyof typeof SELECTORS;

/** Hidden inputs of Gmail's compose form. */
export const COMPOSE_INPUTS = {
  /** Compose instance id. */
  composeId: 'input[name=composeid]',
  /** Draft id, `#msg-a:r-…`. */
  draft: 'input[name=draft]',
  /** Replied thread, `#thread-a:r-…` or `thread-f:…`. */
  repliedThread: 'input[name=rt]',
} as const;
