import type { Language } from '../shared/languages.js';

/** Each language by its own name, as the language pickers show them (with `lang` on the option). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { fr: 'Français', nl: 'Nederlands', de: 'Deutsch', en: 'English' };
