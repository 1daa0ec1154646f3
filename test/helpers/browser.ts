// Headless Debian Chromium through playwright-core, as the tests' user-facing check.
// Missing browser: the tests skip on a developer machine and fail under CI.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function haveChromium(): boolean {
  const ok = existsSync(CHROMIUM);
  if (!ok && process.env.CI) throw new Error(`CI is set but ${CHROMIUM} is missing (apt-get install chromium)`);
  return ok;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
