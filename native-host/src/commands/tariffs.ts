import { consultTariffs } from '../mycarenet/tarification/consult.js';
import type { CommandHandler } from './context.js';

/** Tariffs of one or more codes for one patient and day (Tarification): only on the clinician's explicit request. */
export const tariffs: CommandHandler<'tariffs'> = (params, context) => consultTariffs({ ehealth: context.ehealth, config: context.config, log: context.log }, params);
