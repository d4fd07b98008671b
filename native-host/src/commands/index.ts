import type { CommandTable } from './context.js';
import { dmgHolder } from './dmg-holder.js';
import { hello } from './hello.js';
import { insurability } from './insurability.js';
import { tariffs } from './tariffs.js';
import { provider } from './provider.js';
import { attest } from './attest.js';
import { cancel } from './cancel.js';
import { abandon } from './abandon.js';
import { journalDay } from './journal-day.js';
import { status } from './status.js';
import { warm } from './warm.js';

export const commandHandlers: CommandTable = { hello, status, warm, provider, insurability, dmgHolder, tariffs, attest, cancel, abandon, journalDay };
