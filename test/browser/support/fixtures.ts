import { test as base, expect, type Browser, type BrowserContext } from '@playwright/test';
import { AdminApi } from './api';
import { appInfo } from './app';
import { ContractRecorder } from './contract';

export { expect };
export * from './api';
export * from './axe';
export * from './screenshots';
export * from './sign-in';
export * from './totp';
export * from './live';

interface Fixtures {
  /** Checks every /api answer of this test's browser contexts and own API calls against openapi.json. */
  contract: ContractRecorder;
  /** The platform admin's API, for set-up: organisations, users, tokens, audit entries. */
  admin: AdminApi;
  /** Another browser context (a second person), also checked against the contract. */
  newContext: () => Promise<BrowserContext>;
}

/**
 * The console's test fixtures: `page` and `context` as usual, pointed at the service the global set-up
 * started (baseURL), with every /api response checked against openapi.json: the test fails on a violation.
 */
export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature: this one needs no other fixture.
  baseURL: async ({}, use) => {
    await use(appInfo().baseURL);
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  contract: async ({}, use) => {
    const recorder = new ContractRecorder();
    await use(recorder);
    const violations = await recorder.settle();
    expect(violations, 'responses that disagree with openapi.json').toEqual([]);
  },
  context: async ({ context, contract }, use) => {
    contract.watch(context);
    await use(context);
    // Read the bodies still in flight while the pages are open.
    await contract.settle();
  },
  admin: async ({ contract }, use) => {
    await use(new AdminApi(contract));
  },
  newContext: async ({ browser, contract, baseURL }, use) => {
    const made: BrowserContext[] = [];
    await use(async () => {
      const ctx = await newCheckedContext(browser, contract, baseURL!);
      made.push(ctx);
      return ctx;
    });
    for (const ctx of made) await ctx.close();
  },
});

export async function newCheckedContext(
  browser: Browser,
  contract: ContractRecorder,
  baseURL: string,
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    reducedMotion: 'reduce', // as playwright.config.ts says for every page
  });
  contract.watch(ctx);
  return ctx;
}
