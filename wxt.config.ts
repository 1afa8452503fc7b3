import { defineConfig } from 'wxt';

/** Origins where the EcosMail page contract runs (the reference webmail). */
const ECOSMAIL_MATCHES = ['http://127.0.0.1/*', 'http://localhost/*'];

export default defineConfig({
  srcDir: '.',
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: the keyring; unlimitedStorage: a keyring must never hit the
    // 10 MB quota of storage.local and lose a write.
    permissions: ['storage', 'unlimitedStorage'],
    // Our reader and composer frames are mounted in the webmail page; only
    // the webmail origins may load them.
    // TODO(2026-12-04): no `require-trusted-types-for 'script'` yet (attack suite
    // EX-07): the content frame's srcdoc and DOMPurify need a named policy first.
    // Our pages fetch nothing from the network, and the sandboxed frame of decrypted
    // HTML inherits this policy on top of its own: a request the sanitiser missed
    // has nowhere to go (EFAIL backchannels; attack suite EF-01..04).
    content_security_policy: {
      extension_pages: [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "form-action 'none'",
        "base-uri 'none'",
      ].join('; '),
    },
    web_accessible_resources: [
      { resources: ['reader.html', 'composer.html'], matches: ECOSMAIL_MATCHES },
    ],
  },
});
