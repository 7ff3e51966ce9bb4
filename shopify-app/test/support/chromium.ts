// The browser suites drive Debian's Chromium through Playwright. Where it is, whether this machine has it
// (a suite without it is skipped, and says how to install it) and how it is launched live here once, so
// every browser suite runs the same browser the same way.
import fs from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED: ${CHROMIUM} is missing (flock /tmp/calibr-apt.lock apt-get install -y chromium)`);

/** Headless, with nothing running in the background that could reach the internet. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
