import { findAdapter, readConsultation } from '../../src/content/scraper.js';

// Exposed for the fixture tests, which run this bundle in a plain Chromium page.
(globalThis as Record<string, unknown>)['eattestScraper'] = { findAdapter, readConsultation };
