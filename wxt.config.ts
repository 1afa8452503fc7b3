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
    web_accessible_resources: [
      { resources: ['reader.html', 'composer.html'], matches: ECOSMAIL_MATCHES },
    ],
  },
});
