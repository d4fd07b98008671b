/** The native-messaging host name registered with the browsers. */
export const NATIVE_HOST_NAME = 'be.eattest.companion';

/**
 * The development build's Chromium id, derived from the public `key` in manifest.json (a unit test
 * checks it) so that unpacked builds have a stable id. That key is public: any unpacked extension
 * that copies it gets this id. So only a development install (`eattest-host install --development`:
 * the demo, the tests) lets this id start the host; a production install never does.
 */
export const DEVELOPMENT_CHROMIUM_EXTENSION_ID = 'kpghmhnplncbdjmflbikfegpgigphlfp';

/**
 * The published builds' ids, the only ones a production install lets start the host.
 *
 * RESERVED until the listings exist (packaging is issue 14): a Chrome Web Store or Edge Add-ons id
 * is fixed by the listing's key (the id is the SHA-256 of its public key, written in a–p); these
 * two were derived from fixed labels instead, so no key is known for them and no extension can
 * have either id before the listings replace them here. The Firefox id is the gecko id the Firefox
 * build declares in its manifest's browser_specific_settings.gecko.id, reserved on AMO with the
 * listing. The store build of the extension (`vite build --mode store`) carries no `key`: the
 * store gives it its id.
 */
export const STORE_EXTENSION_IDS = {
  chromeWebStore: 'gjakjkbfamedobjcjnlokhgljinedeko',
  edgeAddons: 'chchjlgpbenjjdfcaniehhbihdibppgk',
  firefoxAddons: 'eattest-companion@eattest.be',
} as const;

/**
 * What `eattest-host install` writes: a production install for clinicians (the default), or a
 * development install for the development build (`--development`). Each kind allows its own
 * extensions only, so a development install on a clinician's machine shows at once (the store
 * extension cannot reach it) and `eattest-host doctor` names it.
 */
export const INSTALL_KINDS = ['production', 'development'] as const;
export type InstallKind = (typeof INSTALL_KINDS)[number];

export interface AllowedExtensions {
  /** Chromium-family extension ids (Chromium passes `chrome-extension://<id>/`). */
  chromium: readonly string[];
  /** Firefox add-on ids (Firefox passes the id, not an origin). */
  firefox: readonly string[];
}

const ALLOWED_BY_KIND: { readonly [K in InstallKind]: AllowedExtensions } = {
  production: { chromium: [STORE_EXTENSION_IDS.chromeWebStore, STORE_EXTENSION_IDS.edgeAddons], firefox: [STORE_EXTENSION_IDS.firefoxAddons] },
  // Firefox has one id for every build: a temporary add-on loaded in about:debugging declares it too.
  development: { chromium: [DEVELOPMENT_CHROMIUM_EXTENSION_ID], firefox: [STORE_EXTENSION_IDS.firefoxAddons] },
};

/** The extensions an install of this kind lets start the host, in its manifests and in the host's own check. */
export function allowedExtensions(kind: InstallKind): AllowedExtensions {
  return ALLOWED_BY_KIND[kind];
}

/**
 * The launcher `install` writes sets this variable to the install's kind, so that the host itself
 * refuses the development id under a production install, whatever environment the browser had.
 */
export const INSTALL_KIND_VARIABLE = 'EATTEST_INSTALL_KIND';

/** The kind the host runs as: development only when its launcher says so. */
export function installKindFrom(env: Readonly<Record<string, string | undefined>>): InstallKind {
  return env[INSTALL_KIND_VARIABLE] === 'development' ? 'development' : 'production';
}

export function chromiumOrigin(extensionId: string): string {
  return `chrome-extension://${extensionId}/`;
}
