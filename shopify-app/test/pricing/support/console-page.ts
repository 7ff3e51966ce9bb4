// The pricing console's Polaris pieces as the browser suites drive them: an IndexTable bulk action pressed,
// the banners read. Opening a page in the Admin shell, and what the Admin around it shows (its toasts and
// title bar), are every browser suite's: ../../support/admin-shell.ts.
import type { FrameLocator } from '@playwright/test';

/** Press a bulk action: promoted ones are buttons; Polaris moves the others under "More actions". */
export async function bulkAction(app: FrameLocator, name: string): Promise<void> {
  // Polaris also renders hidden copies of the bulk actions to measure them: only a visible one is pressed.
  const direct = app.getByRole('button', { name, exact: true }).filter({ visible: true });
  const more = app.getByRole('button', { name: 'More actions' }).filter({ visible: true });
  // The bulk actions show once React has taken the row's selection (later on a loaded machine): wait for either.
  await direct.or(more).first().waitFor({ timeout: 30_000 });
  if ((await direct.count()) > 0) return direct.first().click();
  await more.first().click();
  await app.getByRole('menuitem', { name }).or(app.locator('.Polaris-ActionList__Item').filter({ hasText: name })).filter({ visible: true }).first().click();
}

export async function banners(app: FrameLocator): Promise<string[]> {
  return app.locator('.Polaris-Banner').allInnerTexts();
}
