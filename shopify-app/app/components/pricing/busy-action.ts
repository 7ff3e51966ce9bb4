// The console's buttons all run the same steps: name the action that is running (its button spins, the
// others wait, the Admin's loading bar shows), report a failure as an error toast in the Admin (or to the
// caller's handler), and clear the name when done.
import { useCallback, useState } from 'react';
import { errorToast, useAdminLoading } from '../frame/admin';
import { errorMessage } from './format';

export function useBusyAction() {
  const [busy, setBusy] = useState<string | null>(null);
  useAdminLoading(busy !== null);
  /** Runs `work` as the action `name`; a failure goes to `fail` (by default, its message to an error toast). */
  const run = useCallback(async (name: string, work: () => Promise<void>, fail?: (error: unknown) => void) => {
    setBusy(name);
    try {
      await work();
    } catch (e) {
      if (fail) fail(e);
      else errorToast(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, run };
}
