import type { CommandTable } from './context.js';
import { hello } from './hello.js';
import { provider } from './provider.js';
import { status } from './status.js';

export const commandHandlers: CommandTable = { hello, status, provider };
