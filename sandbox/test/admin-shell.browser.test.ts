// The Admin shell in a real browser (Debian's Chromium driven by Playwright): it frames a tiny test app with
// shop, host, embedded=1, id_token and hmac; the App Bridge stand-in hands the framed page a session token
// (verified here with jose), sends it on the app's own fetches, and relays the nav menu, title, toasts and
// _top redirects to the shell.
import fs from 'node:fs';
import { chromium, type Browser } from '@playwright/test';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowSandboxFrameAncestor } from '../src/routing/index';
import { SHOP, startTestContext, TEST_APP, type TestContext } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED: ${CHROMIUM} is missing (flock /tmp/calibr-apt.lock apt-get install -y chromium)`);

let t: TestContext;
let browser: Browser;
const seenAuthorization: string[] = [];

function appPage(sandboxUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<script src="${sandboxUrl}/cdn/shopifycloud/app-bridge.js" data-api-key="${TEST_APP.apiKey}"></script></head>
<body><ui-nav-menu><a href="/" rel="home">Home</a><a href="/settings">Settings</a></ui-nav-menu>
<ui-title-bar title="Calibrate test"><button variant="breadcrumb" onclick="done('breadcrumb')">Home</button>
<button onclick="done('export')">Export</button><section label="More actions"><button onclick="done('archive')">Archive</button></section>
<button variant="primary" onclick="done('create')">Create rule</button></ui-title-bar>
<ui-save-bar id="rule-save-bar"><button variant="primary" onclick="done('save')"></button><button onclick="done('discard')"></button></ui-save-bar>
<ui-modal id="connect-modal"><div><p id="modal-text">Connect your Amazon seller account</p></div>
<ui-title-bar title="Connect Amazon"><button onclick="done('modal-cancel')">Cancel</button><button variant="primary" onclick="done('modal-connect')">Connect</button></ui-title-bar></ui-modal>
<ui-modal id="src-modal" src="/settings" variant="small"><ui-title-bar title="Settings page"><button variant="primary" onclick="done('src-ok')">Done</button></ui-title-bar></ui-modal>
<pre id="token"></pre><pre id="echo"></pre><pre id="done"></pre>
<script>
  function done(what) { document.getElementById('done').textContent += what + ' '; }
  document.getElementById('connect-modal').addEventListener('hide', () => done('modal-hidden'));
</script>
<script>
  shopify.idToken().then(async (token) => {
    document.getElementById('token').textContent = token;
    const res = await fetch('/echo-auth');
    document.getElementById('echo').textContent = await res.text();
    shopify.toast.show('Prices pushed');
  });
</script></body></html>`;
}

beforeAll(async () => {
  if (!hasChromium) return;
  t = await startTestContext();
  t.app.route = (req, res) => {
    const url = new URL(req.url ?? '/', t.app.url);
    if (url.pathname === '/echo-auth') {
      seenAuthorization.push(String(req.headers.authorization ?? ''));
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(req.headers.authorization ?? 'none'));
      return true;
    }
    if (url.pathname === '/csp') {
      // shopify-app-remix's CSP for an embedded app names only Shopify's hosts; sandbox mode adds the shell.
      const headers = new Headers({ 'content-type': 'text/html', 'content-security-policy': `frame-ancestors https://${SHOP} https://admin.shopify.com https://*.spin.dev;` });
      if (url.searchParams.get('fix') === '1') allowSandboxFrameAncestor(headers, t.sandbox.url);
      res.writeHead(200, Object.fromEntries(headers)).end('<!doctype html><h1 id="framed">framed</h1>');
      return true;
    }
    if (url.pathname === '/' || url.pathname === '/settings') {
      const html = url.pathname === '/' ? appPage(t.sandbox.url) : `<!doctype html><script src="${t.sandbox.url}/cdn/shopifycloud/app-bridge.js" data-api-key="${TEST_APP.apiKey}"></script><h1 id="settings">Settings</h1>`;
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return true;
    }
    return false;
  };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.skipIf(!hasChromium)('Admin shell with the App Bridge stand-in', () => {
  it('frames the app with Shopify parameters and gives it valid session tokens', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(t.sandbox.adminShellUrl(SHOP));
      const src = await page.locator('#app-frame').getAttribute('src');
      const frameUrl = new URL(src!);
      expect(frameUrl.origin).toBe(t.app.url);
      const params = Object.fromEntries(frameUrl.searchParams);
      expect(params).toMatchObject({ embedded: '1', shop: SHOP, locale: 'en' });
      expect(Buffer.from(params.host!, 'base64').toString()).toBe('admin.shopify.com/store/calibr-demo');
      expect(await t.shopify.utils.validateHmac(params)).toBe(true);

      const frame = page.frameLocator('#app-frame');
      await expect.poll(() => frame.locator('#token').textContent(), { timeout: 15_000 }).toMatch(/^ey/);
      const token = (await frame.locator('#token').textContent())!;
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(TEST_APP.apiSecret), { audience: TEST_APP.apiKey });
      expect(protectedHeader.alg).toBe('HS256');
      expect(payload).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}` });
      expect(payload.exp! - payload.iat!).toBe(60);
      expect(payload.nbf).toBeDefined();
      expect(payload.jti).toBeDefined();
      expect(payload.sid).toBeDefined();
      expect(payload.sub).toMatch(/^\d+$/);
      // The id_token in the frame URL is a session token too, and shopify-api accepts both.
      await t.shopify.session.decodeSessionToken(params.id_token!);
      await t.shopify.session.decodeSessionToken(token);

      // The app's own fetch carries a fresh session token.
      await expect.poll(() => frame.locator('#echo').textContent()).toMatch(/^Bearer ey/);
      const bearer = seenAuthorization.at(-1)!.slice('Bearer '.length);
      await jwtVerify(bearer, new TextEncoder().encode(TEST_APP.apiSecret), { audience: TEST_APP.apiKey });

      // Toast, title bar and nav menu show in the shell.
      await expect.poll(() => page.locator('.toast').first().textContent()).toBe('Prices pushed');
      await expect.poll(() => page.locator('#title').textContent()).toBe('Calibrate test');
      await expect.poll(() => page.locator('#app-nav a').allTextContents()).toEqual(['Settings']);

      // The title bar's breadcrumb and actions are drawn by the Admin; clicking one clicks the app's button.
      await expect.poll(() => page.locator('#breadcrumb').textContent()).toContain('Home');
      await expect.poll(() => page.locator('#title-actions > .btn').allTextContents()).toEqual(['Export', 'Create rule']);
      const appFrame0 = page.frames().find((f) => f.url().startsWith(t.app.url))!;
      const clicks = () => appFrame0.locator('#done').evaluate((el) => el.textContent!.trim());
      await page.locator('#title-actions .btn-primary').click();
      await page.locator('#title-actions summary', { hasText: 'More actions' }).click();
      await page.locator('#title-actions .menu-items button', { hasText: 'Archive' }).click();
      await page.locator('#breadcrumb button').click();
      await expect.poll(clicks).toBe('create archive breadcrumb');

      // The save bar replaces the Admin's top bar; Save and Discard click the app's buttons; leaving asks first.
      const shopifyIn = (code: string) => appFrame0.evaluate(code);
      await shopifyIn(`shopify.saveBar.show('rule-save-bar')`);
      await expect.poll(() => page.locator('#save-bar').isVisible()).toBe(true);
      expect(await page.locator('#top-bar').isVisible()).toBe(false);
      await page.locator('#save-bar-discard').click();
      await page.locator('#save-bar-save').click();
      await expect.poll(clicks).toBe('create archive breadcrumb discard save');
      await page.locator('#app-nav a', { hasText: 'Settings' }).click();
      await expect.poll(() => page.getByRole('alertdialog').textContent()).toContain('Leave page with unsaved changes?');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Stay' }).click();
      expect(await page.getByRole('alertdialog').count()).toBe(0);
      expect(await frame.locator('#token').count()).toBe(1);
      await shopifyIn(`shopify.saveBar.hide('rule-save-bar')`);
      await expect.poll(() => page.locator('#save-bar').isVisible()).toBe(false);
      expect(await page.locator('#top-bar').isVisible()).toBe(true);

      // A modal covers the whole Admin: the shell dims its chrome, the dialog shows the app's content and buttons.
      await shopifyIn(`shopify.modal.show('connect-modal')`);
      await expect.poll(() => page.locator('#modal-overlay').isVisible()).toBe(true);
      const viewport = page.viewportSize()!;
      expect(await page.locator('#modal-overlay').boundingBox()).toEqual({ x: 0, y: 0, width: viewport.width, height: viewport.height });
      const dialog = frame.getByRole('dialog', { name: 'Connect Amazon' });
      await expect.poll(() => dialog.locator('#modal-text').textContent()).toBe('Connect your Amazon seller account');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => page.locator('#modal-overlay').isVisible()).toBe(false);
      await expect.poll(clicks).toBe('create archive breadcrumb discard save modal-connect modal-hidden');
      expect(await frame.getByRole('dialog').count()).toBe(0);

      // A modal with a src: the Admin draws the dialog, the page in its own frame, the buttons in its footer.
      await shopifyIn(`shopify.modal.show('src-modal')`);
      const srcDialog = page.getByRole('dialog', { name: 'Settings page' });
      await expect.poll(() => srcDialog.isVisible()).toBe(true);
      expect(await srcDialog.locator('iframe').getAttribute('src')).toBe(`${t.app.url}/settings`);
      await expect.poll(() => page.frameLocator('#modal-host iframe').locator('#settings').textContent(), { timeout: 15_000 }).toBe('Settings');
      await srcDialog.getByRole('button', { name: 'Done' }).click();
      await srcDialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => page.locator('#modal-overlay').isVisible()).toBe(false);
      await expect.poll(clicks).toBe('create archive breadcrumb discard save modal-connect modal-hidden src-ok');

      // Leaving with unsaved changes: "Leave page" hides the save bar and the nav goes on.
      await shopifyIn(`shopify.saveBar.show('rule-save-bar')`);
      await expect.poll(() => page.locator('#save-bar').isVisible()).toBe(true);
      await page.locator('#app-nav a', { hasText: 'Settings' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Leave page' }).click();
      await expect.poll(() => page.locator('#save-bar').isVisible()).toBe(false);

      // Clicking the nav item navigates the frame.
      await page.locator('#app-nav a', { hasText: 'Settings' }).click();
      await expect.poll(() => frame.locator('#settings').textContent(), { timeout: 15_000 }).toBe('Settings');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/store/calibr-demo/apps/calibrate/settings');

      // window.open(…, '_top') from the app leaves the frame: Admin URLs map to the shell.
      const appFrame = page.frames().find((f) => f.url().startsWith(t.app.url))!;
      await appFrame.evaluate(() => (globalThis as unknown as { open(url: string, target: string): unknown }).open('https://admin.shopify.com/store/calibr-demo/products', '_top'));
      await page.waitForURL(`${t.sandbox.url}/store/calibr-demo/products`);
      expect(await page.locator('table').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it("can frame an app whose CSP names only Shopify's hosts once allowSandboxFrameAncestor adds the shell", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${t.sandbox.adminShellUrl(SHOP)}/csp?fix=1`);
      await expect.poll(() => page.frameLocator('#app-frame').locator('#framed').textContent(), { timeout: 15_000 }).toBe('framed');
      await page.goto(`${t.sandbox.adminShellUrl(SHOP)}/csp`);
      await page.waitForTimeout(1000);
      expect(await page.frameLocator('#app-frame').locator('#framed').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('sends the app into the Admin when it is opened outside it', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${t.app.url}/?shop=${SHOP}`);
      await page.waitForURL((u) => u.href.startsWith(`${t.sandbox.url}/store/calibr-demo/apps/`));
      await expect.poll(() => page.frameLocator('#app-frame').locator('#token').textContent(), { timeout: 15_000 }).toMatch(/^ey/);
    } finally {
      await page.close();
    }
  });
});
