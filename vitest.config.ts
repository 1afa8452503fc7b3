import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'webmail/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        // The store zips of `npm run zip`: manifests, web-ext lint, and a
        // rebuild from the sources zip (a clean npm ci, about 30 s).
        test: {
          name: 'packaging',
          include: ['test/packaging/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // Removing the rebuild's node_modules takes a while on a busy machine.
          hookTimeout: 120_000,
          // Last, alone: its npm ci would starve the browser suites' timing.
          sequence: { groupOrder: 3 },
        },
      },
      {
        // Real browsers with the built extension: one file at a time, since
        // each launches a browser and the machine has two cores.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Firefox ESR with the Firefox MV3 build, over WebDriver BiDi. A
        // launch takes 3-8 s: each file shares one browser among its tests.
        // It runs after the Chromium projects so that two browsers never
        // compete for the two cores.
        test: {
          name: 'firefox',
          sequence: { groupOrder: 2 },
          include: ['test/firefox/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 90_000,
        },
      },
      {
        // Attack suite, core rows (crypto, MIME, Autocrypt): node, like unit.
        test: {
          name: 'security',
          include: ['test/security/core/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // Attack suite, browser rows: the built extension in real Chromium.
        test: {
          name: 'security-browser',
          // After the e2e project, so two Chromium suites never share the cores.
          sequence: { groupOrder: 1 },
          include: ['test/security/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Interop with other clients over real mail servers (Postfix, Dovecot)
        // on loopback: Delta Chat core with Chromium and the built extension.
        // Last of the browser suites, alone, one file at a time.
        test: {
          name: 'interop',
          sequence: { groupOrder: 4 },
          include: ['test/interop/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
