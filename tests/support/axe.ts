import { AxePuppeteer } from '@axe-core/puppeteer';
import type { Page } from 'puppeteer-core';

/**
 * axe-core's serious and critical violations on the page as it is now (rule id and the elements),
 * within `include` when given. Legacy mode runs axe in the page itself: the default mode opens a
 * blank page to assemble its results, and the focus it takes closes the browser's action popup.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  const axe = new AxePuppeteer(page).setLegacyMode(true);
  const results = await (include === undefined ? axe : axe.include(include)).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
