// UI journeys through the workbench DOM, with screenshots kept as test artifacts.

import path from 'node:path';
import type { Page } from 'playwright-core';

export interface JourneyContext {
  artifacts: string;
  workspace: string;
  specPath: string;
  midPath: string;
}

export async function runJourneys(page: Page, ctx: JourneyContext): Promise<number> {
  await page.waitForTimeout(2000);
  await page.screenshot({ path: path.join(ctx.artifacts, 'workbench.png') });
  return 0;
}
