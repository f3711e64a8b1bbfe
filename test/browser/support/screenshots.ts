import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_OUTPUT } from './app';

/** Where the browser tests leave a picture of each page in each language, for a reviewer (not committed). */
export const SCREENSHOT_DIR = join(TEST_OUTPUT, 'console-screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const lang = (await page.locator('html').getAttribute('lang')) || 'zh-CN';
  const file = join(SCREENSHOT_DIR, `${name}.${lang}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
