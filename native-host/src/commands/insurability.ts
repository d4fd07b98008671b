import { consultInsurability } from '../mycarenet/memberdata/consult.js';
import type { CommandHandler } from './context.js';

/** The patient's insurability for a day of care (MemberData, facet insurability): once per contact, the background decides when. */
export const insurability: CommandHandler<'insurability'> = (params, context) =>
  consultInsurability({ ehealth: context.ehealth, config: context.config, log: context.log }, params);
