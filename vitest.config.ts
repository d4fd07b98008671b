import { defineConfig } from 'vitest/config';

/**
 * Four kinds of tests: unit (pure logic), integration (the built host process over real stdio and
 * against the simulator over HTTPS), conformance (outside judges: xmllint with the official XSDs,
 * xmlsec1, openssl cms) and e2e (Debian's Chromium with the built extension and the real host). Integration and e2e run the built artefacts, so `npm test` builds first.
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000, globalSetup: ['tests/support/global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'adversarial', include: ['tests/adversarial/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, globalSetup: ['tests/support/global-setup.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'conformance', include: ['tests/conformance/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000, globalSetup: ['tests/support/global-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file drives its own Chromium; on two cores they run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
