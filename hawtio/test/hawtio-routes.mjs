// Hawtio as an operator uses it: open the start page (adds the sync-routes connection, opens Hawtio), go to the
// Camel tab, open the routes folder, find the app's routes with their exchange counts, save a screenshot.
//   HAWTIO_URL (http://localhost:8090)  CHROMIUM (/usr/bin/chromium)  SCREENSHOT (hawtio-camel-routes.png)
//   EXPECT_ROUTES (comma-separated route ids that must be listed with a completed-exchange count > 0)
import { chromium } from 'playwright-core';

const hawtio = process.env.HAWTIO_URL || 'http://localhost:8090';
const screenshot = process.env.SCREENSHOT || 'hawtio-camel-routes.png';
const expected = (process.env.EXPECT_ROUTES || 'workorders-inbound,workorders-export').split(',');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(hawtio + '/');
  // the routes folder of the Camel tree, then its table of routes with their statistics
  const routesFolder = page.locator('.pf-v5-c-tree-view__node-text', { hasText: /^routes$/ }).first();
  await routesFolder.waitFor({ timeout: 90_000 });
  await routesFolder.click();
  const table = page.locator('table').filter({ hasText: 'Completed' }).first();
  await table.waitFor({ timeout: 30_000 });

  const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const completedColumn = headers.indexOf('Completed');
  if (completedColumn < 0) throw new Error('no Completed column in ' + JSON.stringify(headers));
  const found = {};
  for (let attempt = 0; attempt < 30; attempt++) {
    for (const row of await table.locator('tbody tr').all()) {
      const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
      const id = cells.find((c) => expected.includes(c));
      if (id) found[id] = Number(cells[completedColumn]);
    }
    if (expected.every((id) => found[id] > 0)) break;
    await page.waitForTimeout(2_000);
    await page.locator('button', { hasText: /refresh/i }).first().click().catch(() => {});
  }
  await page.screenshot({ path: screenshot });
  console.log('routes and completed exchanges seen in Hawtio:', JSON.stringify(found), '; screenshot:', screenshot);
  const missing = expected.filter((id) => !(found[id] > 0));
  if (missing.length) throw new Error('not shown with exchanges in Hawtio: ' + missing.join(', '));
} finally {
  await browser.close();
}
