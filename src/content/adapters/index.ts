import type { Adapter } from '../../shared/adapters/adapter-schema.js';
import { dentachartAdapter } from './dentachart.js';
import { medispaAdapter } from './medispa.js';
import { tablemedAdapter } from './tablemed.js';

/** The adapters shipped with the extension (data only; tests/unit/adapters.test.ts validates them with the schema). */
export const BUILT_IN_ADAPTERS: readonly Adapter[] = [medispaAdapter, tablemedAdapter, dentachartAdapter];
