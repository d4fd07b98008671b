import { describe, expect, it } from 'vitest';
import { identifyCaller, installedAllowedCallers, type AllowedCallers } from '../../native-host/src/caller.js';
import { AppError } from '../../src/shared/errors.js';

/** The Chrome Web Store's (reserved) id: what a production install allows. */
const ID = 'gjakjkbfamedobjcjnlokhgljinedeko';
const EDGE_ID = 'chchjlgpbenjjdfcaniehhbihdibppgk';
/** The development build's id (its key is public in manifest.json). */
const DEVELOPMENT_ID = 'kpghmhnplncbdjmflbikfegpgigphlfp';
const FIREFOX_ID = 'eattest-companion@eattest.be';

function refusal(args: readonly string[], allowed?: AllowedCallers): AppError {
  try {
    identifyCaller(args, allowed);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`identifyCaller accepted ${JSON.stringify(args)}`);
}

describe('identifyCaller', () => {
  it('accepts the allowed Chromium origin', () => {
    expect(identifyCaller([`chrome-extension://${ID}/`])).toEqual({ browserFamily: 'chromium', extensionId: ID });
  });

  it('ignores the --parent-window argument Chromium adds on Windows', () => {
    expect(identifyCaller([`chrome-extension://${ID}/`, '--parent-window=123'])).toEqual({ browserFamily: 'chromium', extensionId: ID });
    expect(identifyCaller(['--parent-window=0', `chrome-extension://${ID}/`])).toEqual({ browserFamily: 'chromium', extensionId: ID });
  });

  it('refuses an unknown Chromium extension id', () => {
    const other = 'abcdefghijklmnopabcdefghijklmnop';
    const error = refusal([`chrome-extension://${other}/`]);
    expect(error.code).toBe('CALLER_NOT_ALLOWED');
    expect(error.details).toEqual({ caller: `chrome-extension://${other}/` });
  });

  it('refuses malformed origins', () => {
    expect(refusal(['chrome-extension://KPGHMHNPLNCBDJMFLBIKFEGPGIGPHLFP/']).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal([`chrome-extension://${ID}/extra/`]).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal([`chrome-extension://${ID}x/`]).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal([`chrome-extension://${ID}/\n`]).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal(['chrome-extension://']).code).toBe('CALLER_NOT_ALLOWED');
  });

  it('refuses the origin without its trailing slash', () => {
    expect(refusal([`chrome-extension://${ID}`]).code).toBe('CALLER_NOT_ALLOWED');
  });

  it('truncates a long caller in the error details', () => {
    const error = refusal([`chrome-extension://${'a'.repeat(200)}/`]);
    expect(String(error.details?.['caller'])).toHaveLength(80);
  });

  it('accepts the Firefox form [manifest path, add-on id]', () => {
    expect(identifyCaller(['/home/dr/.mozilla/native-messaging-hosts/be.eattest.companion.json', FIREFOX_ID])).toEqual({
      browserFamily: 'firefox',
      extensionId: FIREFOX_ID,
    });
  });

  it('refuses an unknown Firefox add-on id', () => {
    const error = refusal(['/home/dr/.mozilla/native-messaging-hosts/be.eattest.companion.json', 'evil@example.com']);
    expect(error.code).toBe('CALLER_NOT_ALLOWED');
    expect(error.details).toEqual({ caller: 'evil@example.com' });
  });

  it('refuses the Firefox id alone (without the manifest path before it)', () => {
    expect(refusal([FIREFOX_ID]).code).toBe('CALLER_NOT_ALLOWED');
  });

  it('refuses a start without arguments', () => {
    const error = refusal([]);
    expect(error.code).toBe('CALLER_NOT_ALLOWED');
    expect(error.details).toEqual({ caller: '' });
    expect(refusal(['--parent-window=5']).code).toBe('CALLER_NOT_ALLOWED');
  });

  it('accepts the published extensions, and refuses the development id, unless the launcher says development', () => {
    const production = installedAllowedCallers({});
    expect(identifyCaller([`chrome-extension://${EDGE_ID}/`], production).extensionId).toBe(EDGE_ID);
    expect(refusal([`chrome-extension://${DEVELOPMENT_ID}/`], production).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal([`chrome-extension://${DEVELOPMENT_ID}/`], installedAllowedCallers({ EATTEST_INSTALL_KIND: 'production' })).code).toBe('CALLER_NOT_ALLOWED');
    expect(refusal([`chrome-extension://${DEVELOPMENT_ID}/`], installedAllowedCallers({ EATTEST_INSTALL_KIND: 'Development' })).code).toBe('CALLER_NOT_ALLOWED');

    const development = installedAllowedCallers({ EATTEST_INSTALL_KIND: 'development' });
    expect(identifyCaller([`chrome-extension://${DEVELOPMENT_ID}/`], development).extensionId).toBe(DEVELOPMENT_ID);
    expect(refusal([`chrome-extension://${ID}/`], development).code).toBe('CALLER_NOT_ALLOWED');
    expect(identifyCaller(['/m.json', FIREFOX_ID], development).extensionId).toBe(FIREFOX_ID);
  });

  it('uses the allow-list it is given', () => {
    const other = 'abcdefghijklmnopabcdefghijklmnop';
    const allowed: AllowedCallers = { chromium: [other], firefox: ['other@example.org'] };
    expect(identifyCaller([`chrome-extension://${other}/`], allowed)).toEqual({ browserFamily: 'chromium', extensionId: other });
    expect(refusal([`chrome-extension://${ID}/`], allowed).code).toBe('CALLER_NOT_ALLOWED');
    expect(identifyCaller(['/m.json', 'other@example.org'], allowed)).toEqual({ browserFamily: 'firefox', extensionId: 'other@example.org' });
    expect(refusal(['/m.json', FIREFOX_ID], allowed).code).toBe('CALLER_NOT_ALLOWED');
  });
});
