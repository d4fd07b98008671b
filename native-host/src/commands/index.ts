import type { CommandTable } from './context.js';
import { hello } from './hello.js';
import { dmgHolder, insurability, tariffs } from './pending.js';
import { provider } from './provider.js';
import { status } from './status.js';

export const commandHandlers: CommandTable = { hello, status, provider, insurability, dmgHolder, tariffs };
