import { AppError } from '../../../src/shared/errors.js';
import type { CommandHandler } from './context.js';

// Placeholder handlers while the MemberData and Tarification clients are written; replaced by them.
export const insurability: CommandHandler<'insurability'> = () => {
  throw new AppError('MYCARENET_UNAVAILABLE', 'insurability is not available yet');
};
export const dmgHolder: CommandHandler<'dmgHolder'> = () => {
  throw new AppError('MYCARENET_UNAVAILABLE', 'the DMG holder is not available yet');
};
export const tariffs: CommandHandler<'tariffs'> = () => {
  throw new AppError('MYCARENET_UNAVAILABLE', 'tariffs are not available yet');
};
