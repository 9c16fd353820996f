import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Where Debian's package puts the browser; `CHROMIUM_PATH` names another. */
export const defaultChromiumPath = '/usr/bin/chromium';

/**
 * A headless Chromium for browser tests. playwright-core downloads no browser, so this drives the
 * one `scripts/setup.sh` installs. Without a sandbox because CI runs as root; without a GPU or
 * background traffic because there is neither a display nor a network to reach.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? defaultChromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
