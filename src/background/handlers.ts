import { toErrorPayload } from '../shared/errors.js';
import type { NativeHostClient } from './native-host-client.js';
import type { HandlerTable } from './router.js';

/** One handler per background message; each is small and delegates to the host client or the store. */
export function createHandlers(host: NativeHostClient): HandlerTable {
  return {
    'content.ready': () => {
      // An EHR page is open: start the host now so that the clinician's first click finds it warm.
      const prewarming = !host.connected;
      if (prewarming) host.connect().catch(() => undefined);
      return { prewarming };
    },
    'host.status': async () => {
      try {
        const status = await host.request('status', {});
        return { connected: true, status };
      } catch (error) {
        return { connected: false, error: toErrorPayload(error) };
      }
    },
  };
}
