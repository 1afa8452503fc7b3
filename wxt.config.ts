import { defineConfig } from 'wxt';
import { DOMPURIFY_POLICY, TRUSTED_HTML_POLICY } from './src/render/trusted-types';

/** Origins where the EcosMail page contract runs (the reference webmail). */
const ECOSMAIL_MATCHES = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * Firefox only: the add-on id AMO and updates know us by (it can never
 * change once published), the oldest Firefox whose MV3 we test against
 * (ESR 140 is the first to read `data_collection_permissions`), and the
 * built-in data consent: the add-on sends nothing anywhere, so "none".
 */
const GECKO = {
  id: 'ecosmail-autocrypt@ecosmail',
  strict_min_version: '140.0',
  data_collection_permissions: { required: ['none'] },
};

/** Firefox for Android reads `data_collection_permissions` from 142 on. */
const GECKO_ANDROID = { strict_min_version: '142.0' };

/**
 * What AMO reviewers get to rebuild the add-on (`wxt zip -b firefox`): the
 * extension's sources, locales, icons and the exact dependency lock, and
 * nothing else (not the reference webmail, the tests or local data).
 */
const SOURCES = [
  'entrypoints/**',
  'src/**',
  'public/**',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'wxt.config.ts',
  'README.md',
];
/** Gmail's web app, where `gmail.content.ts` runs. */
const GMAIL_MATCHES = ['https://mail.google.com/*'];

export default defineConfig({
  srcDir: '.',
  zip: { includeSources: SOURCES },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: the keyring; unlimitedStorage: a keyring must never hit the
    // 10 MB quota of storage.local and lose a write. identity: the Google
    // consent page for Gmail send path B, used only after the user opts in.
    permissions: ['storage', 'unlimitedStorage', 'identity'],
    // Gmail's API, for send path B only (the background posts one message).
    host_permissions: ['https://gmail.googleapis.com/*'],
    // Trusted Types (attack suite EX-07): every HTML sink in our pages throws for a
    // plain string; markup gets in only through src/render/trusted-html.ts, whose
    // policy runs DOMPurify. DOMPurify makes its own parsing policy once per
    // instance, and the sanitiser makes an instance per message, hence
    // 'allow-duplicates'. Firefox ESR 153 enforces it too; an older Firefox ignores
    // it, and the sandboxed frame and its CSP are still the walls there.
    // Our pages fetch nothing but Gmail's API (send path B, from the background),
    // and the sandboxed frame of decrypted HTML inherits this policy on top of its
    // own: a request the sanitiser missed has nowhere to go (EFAIL backchannels;
    // attack suite EF-01..04).
    content_security_policy: {
      extension_pages: [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self' https://gmail.googleapis.com",
        "object-src 'none'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "form-action 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
        `trusted-types ${TRUSTED_HTML_POLICY} ${DOMPURIFY_POLICY} 'allow-duplicates'`,
      ].join('; '),
    },
    // Our reader and composer frames are mounted in the webmail page; only
    // the webmail origins may load them. The viewer is Gmail's fallback.
    web_accessible_resources: [
      { resources: ['reader.html', 'composer.html'], matches: ECOSMAIL_MATCHES },
      {
        resources: ['reader.html', 'composer.html', 'viewer.html'],
        matches: GMAIL_MATCHES,
      },
    ],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: GECKO, gecko_android: GECKO_ANDROID } }
      : {}),
  }),
});
