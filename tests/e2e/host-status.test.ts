import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../native-host/src/journal/journal.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { HOST_DOWNLOAD_URL, HOST_PROTOCOL_RANGE, PRODUCT_VERSION } from '../../src/shared/version.js';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.js';
import { sendIntent } from '../support/journal-records.js';
import { replaceInstalledHost } from '../support/stand-in-host.js';

const POPUP = 'src/popup/index.html';
const OPTIONS = 'src/options/index.html';

describe('popup host status in Chromium', () => {
  let session: ExtensionBrowser | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('shows "connected" and the host version when the host is installed in the profile (the popup\'s dot, the options page\'s diagnostics)', async () => {
    session = await launchWithExtension({ installHost: true });
    const popup = await session.openExtensionPage(POPUP);
    const dot = await popup.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
    expect(await dot?.evaluate((el) => el.getAttribute('data-state'))).toBe('connected');
    await popup.close();
    const page = await session.openExtensionPage(OPTIONS);
    const status = await page.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-state'))).toBe('connected');
    expect(await page.$eval('[data-testid="host-version"]', (el) => el.textContent)).toBe(PRODUCT_VERSION);
    expect(await page.$eval('[data-testid="host-status"]', (el) => el.textContent)).toContain('Connected to the eAttest host');
    expect(await page.$eval('[data-testid="host-environment"]', (el) => el.textContent)).toContain('Simulator');
    // The host really ran, as the browser's child, with the state directory the installer baked in.
    const log = readFileSync(join(session.stateDir, 'host.log'), 'utf8');
    expect(log).toContain('"message":"host started"');
    expect(log).toContain('kpghmhnplncbdjmflbikfegpgigphlfp');
  });

  it('raises the journal alarm when the host reports a journal shorter than this browser saw, even with its head file rewritten to match', async () => {
    session = await launchWithExtension({ installHost: true });
    const journal = new Journal({ stateDir: session.stateDir });
    const today = brusselsDate(new Date());
    for (const [index, key] of ['a', 'b', 'c'].entries()) await journal.append(sendIntent({ inputReference: `2612071000000${index}`, careDate: today, consultationKey: key.repeat(64) }));
    const hostStatus = async (): Promise<string | null> => {
      const page = await session?.openExtensionPage(POPUP);
      const status = await page?.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
      const journalState = (await status?.evaluate((el) => el.getAttribute('data-journal'))) ?? null;
      await page?.close();
      return journalState;
    };
    // The popup opened on the whole journal: the background keeps its head (IndexedDB).
    expect(await hostStatus()).toBe('intact');

    const file = join(session.stateDir, 'journal', 'journal.jsonl');
    const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    writeFileSync(file, `${first}\n`);
    const { seq, hash, at } = JSON.parse(first) as { seq: number; hash: string; at: string };
    writeFileSync(join(session.stateDir, 'journal', 'head'), JSON.stringify({ seq, hash, at }));

    const page = await session.openExtensionPage(POPUP);
    const alarm = await page.waitForSelector('[data-testid="journal-alarm"]', { timeout: 20_000 });
    expect(await page.$eval('[data-testid="host-status"]', (el) => el.getAttribute('data-journal'))).toBe('tampered');
    expect(await alarm?.evaluate((el) => el.querySelector('[data-error-code]')?.getAttribute('data-error-code'))).toBe('JOURNAL_TAMPERED');
    expect(await alarm?.evaluate((el) => el.textContent)).toContain('The transmission journal is shorter than it was');
  });

  it('shows the install instructions when no host is installed', async () => {
    session = await launchWithExtension({ installHost: false });
    const page = await session.openExtensionPage(POPUP);
    const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-error-code'))).toBe('HOST_NOT_INSTALLED');
    const text = await page.$eval('[data-testid="host-status"]', (el) => el.textContent);
    expect(text).toContain('not installed');
    expect(text).toContain('eattest-host install');
    expect(await page.$eval('[data-testid="host-download"]', (el) => el.getAttribute('href'))).toBe(HOST_DOWNLOAD_URL);
  });

  it('first run on the options page: without the host, the download and what to do, never the browser\'s raw error', async () => {
    session = await launchWithExtension({ installHost: false });
    const page = await session.openExtensionPage(OPTIONS);
    const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-error-code'))).toBe('HOST_NOT_INSTALLED');
    const text = (await status?.evaluate((el) => el.textContent)) ?? '';
    expect(text).toContain('Download the eAttest host with the link below and install it');
    expect(await page.$eval('[data-testid="host-download"]', (el) => el.getAttribute('href'))).toBe(HOST_DOWNLOAD_URL);
    // Chromium's own words ("Specified native messaging host not found.") stay in the logs.
    expect(text).not.toMatch(/specified|native messaging|Error:/i);
  });

  it('first run on the options page and in the popup: a host without a certificate says to import it', async () => {
    session = await launchWithExtension({ installHost: true });
    for (const path of [OPTIONS, POPUP]) {
      const page = await session.openExtensionPage(path);
      await page.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
      const guidance = await page.$eval('[data-testid="first-run"]', (el) => ({ step: el.getAttribute('data-step'), text: el.textContent }));
      expect(guidance.step, path).toBe('certificate');
      expect(guidance.text, path).toContain('eattest-host certificate import FILE.p12');
      await page.close();
    }
  });

  it('tells the clinician to update the host to this extension\'s version when the installed host speaks protocol 1', async () => {
    session = await launchWithExtension({ installHost: true });
    // A protocol-1 host refuses the ranged hello as malformed (its schema is strict).
    replaceInstalledHost(session.profileDir, { ok: false, error: { code: 'INVALID_MESSAGE', message: 'hello: unrecognized key "protocolRange"' } });
    const page = await session.openExtensionPage(POPUP);
    const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-error-code'))).toBe('HOST_VERSION_MISMATCH');
    const text = (await status?.evaluate((el) => el.textContent)) ?? '';
    expect(text).toContain(`Update the eAttest host to version ${PRODUCT_VERSION} or later`);
    expect(text).not.toContain('unrecognized');
    expect(await page.$eval('[data-testid="host-download"]', (el) => el.getAttribute('href'))).toBe(HOST_DOWNLOAD_URL);
  });

  it('tells the clinician to update the extension to the host\'s version when the installed host is newer', async () => {
    session = await launchWithExtension({ installHost: true });
    const newer = HOST_PROTOCOL_RANGE.max + 1;
    replaceInstalledHost(session.profileDir, { ok: true, result: { hostVersion: '9.1.0', protocolVersion: newer, protocolRange: { min: newer, max: newer } } });
    const page = await session.openExtensionPage(POPUP);
    const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-error-code'))).toBe('HOST_VERSION_MISMATCH');
    const text = (await status?.evaluate((el) => el.textContent)) ?? '';
    expect(text).toContain('Update the eAttest extension to version 9.1.0 or later');
    expect(await page.$('[data-testid="host-download"]')).toBeNull();
  });
});
