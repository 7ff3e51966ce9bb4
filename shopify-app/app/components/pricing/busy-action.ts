// The pricing pages' buttons all ran the same steps by hand: name the action that is running (its button
// spins, the others wait), report a failure in the page's error banner, and clear the name when done.
import { useCallback, useState } from 'react';
import { errorMessage } from './format';

export function useBusyAction(setError: (message: string) => void) {
  const [busy, setBusy] = useState<string | null>(null);
  /** Runs `work` as the action `name`; a failure goes to `fail` (by default, its message to the banner). */
  const run = useCallback(
    async (name: string, work: () => Promise<void>, fail?: (error: unknown) => void) => {
      setBusy(name);
      try {
        await work();
      } catch (e) {
        if (fail) fail(e);
        else setError(errorMessage(e));
      } finally {
        setBusy(null);
      }
    },
    [setError],
  );
  return { busy, run };
}
