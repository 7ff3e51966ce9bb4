// A nudge for the push worker when something new is approved, so it doesn't wait for its next poll.
// Kept apart from the worker so approving a change never imports the platform registry.

declare global {
  var calibrPushKick: (() => void) | undefined;
}

export function onPushKick(listener: (() => void) | undefined): void {
  globalThis.calibrPushKick = listener;
}

export function kickPushWorker(): void {
  globalThis.calibrPushKick?.();
}
