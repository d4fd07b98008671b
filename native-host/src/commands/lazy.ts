import type { HostCommandName } from '../../../src/shared/host-protocol.js';
import type { CommandHandler, CommandTable } from './context.js';
import { hello } from './hello.js';
import { status } from './status.js';

/**
 * The handler table the native host starts with. The handshake and `status` (which reads the
 * certificate's public summary file, see certificate/stored.ts) are answered at once; every other
 * command first loads the command modules, and with them the heavy libraries (node-forge, pkijs,
 * xml-crypto, xmldom), once, on first use. A browser that only checks the host is there never pays
 * for them, and the handshake comes back about as fast as Node itself starts.
 */
export function lazyCommandHandlers(load: () => Promise<CommandTable>): CommandTable {
  let table: Promise<CommandTable> | undefined;
  const loaded = (): Promise<CommandTable> => {
    table ??= load().catch((error: unknown) => {
      table = undefined;
      throw error;
    });
    return table;
  };
  const later =
    <C extends HostCommandName>(name: C): CommandHandler<C> =>
    async (params, context) =>
      (await loaded())[name](params, context);
  return {
    hello,
    status,
    warm: later('warm'),
    provider: later('provider'),
    insurability: later('insurability'),
    dmgHolder: later('dmgHolder'),
    tariffs: later('tariffs'),
    attest: later('attest'),
    cancel: later('cancel'),
    abandon: later('abandon'),
    journalDay: later('journalDay'),
  };
}
