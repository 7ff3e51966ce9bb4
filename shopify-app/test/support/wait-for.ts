// Polling for what happens by itself after a request (a sync finishing, a webhook processed). The Shopify
// world and the platforms harness each had this loop; they now share it.

/** Polls `probe` every `everyMs` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
