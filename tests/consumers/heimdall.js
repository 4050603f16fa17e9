// Loads HDF files into Heimdall Lite (its static build served on loopback) in headless
// Chromium, the way a person does: the upload dialog's file input. Prints the status cards'
// counts as JSON and saves a screenshot.
// usage: node heimdall.js HEIMDALL_DIST CHROMIUM SCREENSHOT.png FILE.json...
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const {chromium} = require('playwright-core');

const [dist, executablePath, screenshot, ...files] = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node heimdall.js DIST CHROMIUM SCREENSHOT FILE...');
  process.exit(2);
}
const types = {'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf'};

// A static server for the build, like Heimdall Lite's own (express.static): files by path,
// index.html for /, 404 for anything else (Heimdall Lite probes server endpoints and must see
// them missing), nothing outside the build directory.
function serve() {
  const root = path.resolve(dist);
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = url === '/' ? path.join(root, 'index.html') : path.resolve(root, '.' + url);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, {'Content-Type': types[path.extname(file)] || 'application/octet-stream'});
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({executablePath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
  const out = {errors: [], console_errors: []};
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  try {
    page.on('console', (m) => { if (m.type() === 'error') out.console_errors.push(m.text()); });
    page.on('pageerror', (e) => out.console_errors.push(String(e)));
    // Nothing may leave the machine: only the loopback server answers.
    await page.route((url) => !url.href.startsWith(base), (route) => route.abort());
    page.on('requestfailed', (r) => out.console_errors.push('request failed: ' + r.url()));
    await page.goto(base + '/', {waitUntil: 'load', timeout: 60000});
    const input = page.locator('input[type=file]').first();
    await input.waitFor({state: 'attached', timeout: 60000});
    await input.setInputFiles(files);
    await page.waitForURL(/\/results/, {timeout: 60000});
    const cards = page.locator('[data-cy=cardText]');
    await cards.first().waitFor({timeout: 60000});
    // The cards update as files finish loading: read them until they stop changing.
    const read = async () => {
      const counts = {};
      for (const t of await cards.allTextContents()) {
        const m = t.trim().match(/^(.*):\s*(\d+)$/);
        if (m) counts[m[1].trim()] = Number(m[2]);
      }
      const alert = await page.locator('text=/ALERT: \\d+ Profile Error/').allTextContents();
      counts['Profile Error'] = alert.length ? Number(alert[0].match(/(\d+)/)[1]) : 0;
      return counts;
    };
    let counts = await read();
    for (let stable = 0, i = 0; stable < 4 && i < 120; i++) {
      await page.waitForTimeout(500);
      const next = await read();
      stable = JSON.stringify(next) === JSON.stringify(counts) ? stable + 1 : 0;
      counts = next;
    }
    const snack = page.locator('#info-snackbar');
    if (await snack.count()) {
      const text = (await snack.innerText()).trim();
      const cls = (await snack.locator('.v-snack__wrapper').getAttribute('class').catch(() => '')) || '';
      if (text && !/success/.test(cls)) out.errors.push(text);
    }
    out.counts = counts;
    await page.screenshot({path: screenshot});
    // Run times as the control table (further down, rendered when scrolled to) prints them:
    // `0.000s`; JavaScript's exponent form for values below 1e-6 would show `7.51es`.
    for (let i = 0; i < 8; i++) {
      await page.mouse.wheel(0, 3000);
      await page.waitForTimeout(300);
    }
    await page.locator('text=/Controls Viewed/').first().waitFor({timeout: 60000});
    await page.waitForTimeout(1500);
    const text = await page.evaluate(() => document.body.innerText);
    out.run_times = (text.match(/(^|\s)[0-9][0-9.e+-]*s(?=\s|$)/g) || []).map((t) => t.trim());
    // One control opened as an assessor would: its Details tab (Check, Fix) and Code tab.
    const id = process.env.HEIMDALL_OPEN_CONTROL;
    if (id) {
      await page.mouse.wheel(0, -30000);
      await page.locator('input[type=text]').first().fill(id);
      await page.waitForTimeout(1500);
      await page.mouse.wheel(0, 3000);
      // The search leaves that one row; "Expand All" opens it.
      await page.getByText('Expand All', {exact: true}).click();
      await page.waitForTimeout(1000);
      await page.locator('[href="#tab-details"]').last().click();
      await page.waitForTimeout(1000);
      out.details = await page.evaluate(() => document.body.innerText);
      await page.locator('[href="#tab-code"]').last().click();
      await page.waitForTimeout(1000);
      out.code = await page.evaluate(() => document.body.innerText);
    }
  } catch (e) {
    out.failure = String(e);
    await page.screenshot({path: screenshot + '.failure.png'}).catch(() => {});
  } finally {
    await browser.close();
    server.close();
  }
  console.log(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
