import { consultDmgHolder } from '../mycarenet/memberdata/consult.js';
import type { CommandHandler } from './context.js';

/** The DMG holder (MemberData, facet globalMedicalFile): only ever on the clinician's explicit request. */
export const dmgHolder: CommandHandler<'dmgHolder'> = (params, context) =>
  consultDmgHolder({ ehealth: context.ehealth, config: context.config, log: context.log }, params);
