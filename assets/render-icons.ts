// Renders assets/icon.svg to the PNG sizes electron-builder takes (assets/icons/<n>x<n>.png, icon.png) with
// headless Chromium: `node bin/run-ts.mjs assets/render-icons.ts`. Re-run after editing the SVG.
import { chromium } from '@playwright/test';
import { readFileSync, mkdirSync, copyFileSync } from 'node:fs';

const svg = readFileSync('assets/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
mkdirSync('assets/icons', { recursive: true });
for (const size of [1024, 512, 256, 128, 64, 32, 16]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="width:${size}px;height:${size}px;display:block" `)}</body></html>`);
  await page.screenshot({ path: `assets/icons/${size}x${size}.png`, omitBackground: true });
  await page.close();
}
copyFileSync('assets/icons/1024x1024.png', 'assets/icons/icon.png');
await browser.close();
