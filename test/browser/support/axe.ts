import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The little of the DOM's animation API the wait reads (this file compiles without the DOM library). */
type Animations = {
  getAnimations(): Array<{ playState: string; effect: { getComputedTiming(): { iterations?: number } } | null }>;
};

/**
 * axe-core on the page as it is now (WCAG 2.x A and AA rules): no serious or critical violation. The
 * failure lists each rule with the elements it found, so the message says what to fix.
 *
 * First it waits until no finite CSS animation or transition is running: a panel fading in has, for a
 * moment, text paler than its colour (axe: color-contrast), and a dropdown closing still shows its list.
 * The page at rest is what is checked. Endless animations (a spinner) are not waited for.
 */
export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: Animations }).document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  );
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n')}`);
  expect(serious, `accessibility of ${what}`).toEqual([]);
}
