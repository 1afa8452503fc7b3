import { defineConfig } from 'wxt';

/** Origins where the EcosMail page contract runs (the reference webmail). */
const ECOSMAIL_MATCHES = ['http://127.0.0.1/*', 'http://localhost/*'];

/** Gmail's web app, where `gmail.content.ts` runs. */
const GMAIL_MATCHES = ['https://mail.google.com/*'];

export default defineConfig({
  srcDir: '.',
  manifest: {
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: the keyring; unlimitedStorage: a keyring must never hit the
    // 10 MB quota of storage.local and lose a write. identity: the Google
    // consent page for Gmail send path B, used only after the user opts in.
    permissions: ['storage', 'unlimitedStorage', 'identity'],
    // Gmail's API, for send path B only (the background posts one message).
    host_permissions: ['https://gmail.googleapis.com/*'],
    // Our reader and composer frames are mounted in the webmail page; only
    // the webmail origins may load them. The viewer is Gmail's fallback.
    web_accessible_resources: [
      { resources: ['reader.html', 'composer.html'], matches: ECOSMAIL_MATCHES },
      {
        resources: ['reader.html', 'composer.html', 'viewer.html'],
        matches: GMAIL_MATCHES,
      },
    ],
  },
});
