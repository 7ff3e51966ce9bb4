// A nudge for the push worker when something new is approved, so it doesn't wait for its next poll.
// Kept apart from the worker so approving a change never imports the platform registry.

// The listener lives in the app context: the route that approves may be a different module copy from the
// worker's (see app-context.server.ts).
import { appContext } from '../../app-context.server';

export function onPushKick(listener: (() => void) | undefined): void {
  appContext().pushKick = listener;
}

export function kickPushWorker(): void {
  appContext().pushKick?.();
}
