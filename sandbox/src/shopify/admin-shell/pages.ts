// Pages on the sandbox's own host that play Shopify Admin in a browser: the Admin shell framing the app
// (/store/{store}/apps/{app}/…), the App Bridge stand-in script (/cdn/shopifycloud/app-bridge.js), a
// products page where the "merchant" edits prices, and /_shop/{shop}/… for browser hops to a shop's host
// (the OAuth authorize redirect) that a browser can't resolve.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readJson, requestUrl, sendHtml, sendJson, sendText } from '../../core/http';
import type { AppConfig } from '../app-config';
import { hostParam, install, signQuery } from '../oauth';
import type { ShopifyRuntime } from '../runtime';
import { signSessionToken } from '../session-token';
import type { ShopRecord } from '../state';
import { findShop } from '../state';

const APP_BRIDGE_JS = fs.readFileSync(new URL('./assets/app-bridge.js', import.meta.url), 'utf8');
const SHELL_JS = fs.readFileSync(new URL('./assets/shell.js', import.meta.url), 'utf8');
export const APP_BRIDGE_PATHS = ['/cdn/shopifycloud/app-bridge.js', '/shopifycloud/app-bridge.js'];
const SHELL_SESSION_MS = 8 * 3600 * 1000;

/** Shell sessions: a nonce per Admin page load, which lets that page ask for session tokens. */
const shellSessions = new Map<string, { shop: string; apiKey: string; userId: number; sid: string; expiresAt: number }>();

export function shellUrl(baseUrl: string, shop: string, app: AppConfig): string {
  return `${baseUrl}/store/${shop.replace(/\.myshopify\.com$/, '')}/apps/${app.handle}`;
}

type ShopHandler = (req: IncomingMessage, res: ServerResponse, host: string) => Promise<void>;

// On a phone Shopify Admin shows the app full width under a slim top bar, its nav collapsed behind a menu
// button (here a checkbox, so no script is needed to open it).
const PHONE_STYLE = `@media (max-width:768px){
header{height:56px;padding:0 12px}header span{display:none}.layout{height:calc(100vh - 56px);position:relative}
label[for=nav-toggle]{display:inline-flex;align-items:center;justify-content:center;width:40px;height:40px;margin-left:-8px;border-radius:8px;font-size:22px;cursor:pointer}
nav{display:none;position:absolute;z-index:10;inset:0 auto 0 0;width:min(300px,85vw);box-shadow:0 8px 24px rgba(0,0,0,.25)}
#nav-toggle:checked~.layout nav{display:block}#titlebar{height:auto;min-height:40px;padding:4px 12px;flex-wrap:wrap}#titlebar h1{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}#title-actions{flex-wrap:wrap}
iframe{margin:0;border-radius:0}.page{padding:12px}#save-bar span{display:inline}}`;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 -apple-system,system-ui,sans-serif;background:#f1f1f1;color:#303030}
header{height:48px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;padding:0 16px;gap:12px}
header strong{color:#fff}.layout{display:flex;height:calc(100vh - 48px)}
nav{width:240px;background:#ebebeb;padding:12px 8px;overflow:auto}nav a{display:block;padding:6px 10px;border-radius:8px;color:#303030;text-decoration:none}
nav a:hover{background:#e0e0e0}nav .section{margin-top:16px;font-size:12px;color:#616161;padding:0 10px}nav ul{list-style:none;margin:0;padding:0 0 0 12px}
main{flex:1;display:flex;flex-direction:column}#titlebar{height:44px;display:flex;align-items:center;padding:0 16px;font-weight:600}
iframe{flex:1;border:0;background:#fff;margin:0 12px 12px;border-radius:12px}
#loading{height:3px;background:#008060}#toasts{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:1100}
.toast{background:#303030;color:#fff;padding:10px 16px;border-radius:10px;margin-top:8px}.toast-error{background:#8e1f0b}
.page{padding:16px;overflow:auto}table{border-collapse:collapse;background:#fff;border-radius:12px}td,th{padding:6px 10px;border-bottom:1px solid #eee;text-align:left}
input{width:7rem}button{margin-left:8px}[hidden]{display:none!important}#nav-toggle,label[for=nav-toggle]{display:none}
#top-bar{display:flex;align-items:center;gap:12px}body.save-bar-open #top-bar{display:none}
#save-bar{flex:1;display:flex;align-items:center;gap:8px}#save-bar span{flex:1;color:#fff;font-weight:600}
#titlebar{gap:8px}#titlebar h1{font-size:16px;margin:0;flex:1}#title-actions{display:flex;gap:8px;align-items:center}
.btn{font:inherit;font-weight:600;padding:6px 12px;border-radius:8px;border:1px solid #c9c9c9;background:#fff;color:#303030;cursor:pointer;margin:0}
.btn:disabled{opacity:.5;cursor:default}.btn-primary{background:#303030;border-color:#303030;color:#fff}.btn-critical{background:#c70a24;border-color:#8e1f0b;color:#fff}
.btn-plain{border:0;background:transparent;padding:4px 6px}header .btn{background:#3a3a3a;border-color:#3a3a3a;color:#fff}header .btn-primary{background:#fff;color:#303030}
.menu{position:relative}.menu summary{list-style:none}.menu-items{position:absolute;right:0;top:36px;background:#fff;border-radius:10px;box-shadow:0 8px 20px rgba(0,0,0,.2);padding:6px;z-index:50;display:flex;flex-direction:column;min-width:160px}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:900}.admin-dialog{z-index:1000}
body.app-modal-open #app-frame{position:relative;z-index:901}
.dialog{background:#fff;border-radius:12px;box-shadow:0 20px 40px rgba(0,0,0,.3);width:620px;max-width:calc(100vw - 32px);max-height:calc(100vh - 32px);display:flex;flex-direction:column}
.dialog-small{width:380px}.dialog-large{width:980px}.dialog-max{width:calc(100vw - 32px);height:calc(100vh - 32px)}
.dialog-head{display:flex;justify-content:space-between;align-items:center;padding:12px 16px;background:#f3f3f3;border-radius:12px 12px 0 0}.dialog-head h2{margin:0;font-size:14px}
.dialog-body{padding:16px}.dialog-frame{flex:1;min-height:240px;margin:0;border-radius:0}.dialog-foot{display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3}
${PHONE_STYLE}`;

function page(title: string, body: string, scripts = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}${scripts}</body></html>`;
}

/** Admin's top bar; on a phone its menu button opens the nav (see PHONE_STYLE). */
function topBar(inner: string): string {
  return `<input type="checkbox" id="nav-toggle"><header><label for="nav-toggle" title="Menu" aria-label="Menu">&#9776;</label>${inner}</header>`;
}

function sidebar(shop: ShopRecord, apps: AppConfig[], current: AppConfig | null): string {
  const store = shop.domain.replace(/\.myshopify\.com$/, '');
  return `<nav><a href="/store/${store}">Home</a><a href="/store/${store}/products">Products</a>
<div class="section">Apps</div>${apps
    .map((a) => `<a href="/store/${store}/apps/${escapeHtml(a.handle)}">${escapeHtml(a.name)}</a>${a.apiKey === current?.apiKey ? '<ul id="app-nav"></ul>' : ''}`)
    .join('')}</nav>`;
}

function findApp(rt: ShopifyRuntime, ref: string): AppConfig | undefined {
  return rt.apps.all().find((a) => a.handle === ref || a.apiKey === ref);
}

async function shellPage(rt: ShopifyRuntime, res: ServerResponse, shop: ShopRecord, app: AppConfig, subpath: string, search: URLSearchParams): Promise<void> {
  const store = shop.domain.replace(/\.myshopify\.com$/, '');
  if (!app.applicationUrl) {
    return sendHtml(
      res,
      200,
      page(
        `${app.name} · ${shop.name}`,
        `${topBar(`<strong>${escapeHtml(shop.name)}</strong>`)}<div class="layout">${sidebar(shop, rt.apps.all(), null)}<main><div class="page">
<h2>${escapeHtml(app.name)} has no app URL yet</h2><p>Start the app, or register its URL: <code>POST /_sandbox/shopify/apps {"applicationUrl": "http://localhost:3000"}</code>, or set <code>application_url</code> in shopify.app.toml.</p></div></main></div>`,
      ),
    );
  }
  // Opening an app in Admin installs it (Shopify-managed installation); newly configured scopes wait for
  // the merchant's approval.
  install(rt, shop, app, app.scopes, { grant: false });
  const user = shop.staff[0]!;
  const now = Date.now();
  for (const [key, session] of shellSessions) if (session.expiresAt < now) shellSessions.delete(key);
  const nonce = randomBytes(18).toString('base64url');
  const sid = randomUUID();
  shellSessions.set(nonce, { shop: shop.domain, apiKey: app.apiKey, userId: user.id, sid, expiresAt: Date.now() + SHELL_SESSION_MS });
  const idToken = await signSessionToken({ shop: shop.domain, apiKey: app.apiKey, apiSecret: app.apiSecret, userId: user.id, sid });
  const appUrl = new URL(app.applicationUrl);
  const frameUrl = subpath ? new URL(subpath, appUrl.origin) : new URL(appUrl);
  for (const [k, v] of search) frameUrl.searchParams.set(k, v);
  const params: Record<string, string> = {
    embedded: '1',
    host: hostParam(shop.domain),
    id_token: idToken,
    locale: user.locale,
    session: sid.replace(/-/g, ''),
    shop: shop.domain,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  params.hmac = signQuery(params, app.apiSecret);
  for (const [k, v] of Object.entries(params)) frameUrl.searchParams.set(k, v);
  const boot = {
    nonce,
    store,
    appName: app.name,
    appUrl: app.applicationUrl,
    appOrigin: appUrl.origin,
    shellBase: `/store/${store}/apps/${app.handle}`,
    tokenEndpoint: '/_admin-shell/id-token',
    user: { id: user.id, name: `${user.firstName} ${user.lastName}`, email: user.email, accountAccess: 'Account owner' },
  };
  sendHtml(
    res,
    200,
    page(
      `${app.name} · ${shop.name} · Shopify (sandbox)`,
      `${topBar(`<div id="top-bar"><strong>${escapeHtml(shop.name)}</strong><span>${escapeHtml(shop.domain)} · Shopify Admin (sandbox)</span></div>
<div id="save-bar" role="region" aria-label="Unsaved changes" hidden><span>Unsaved changes</span><button type="button" class="btn" id="save-bar-discard">Discard</button><button type="button" class="btn btn-primary" id="save-bar-save">Save</button></div>`)}
<div class="layout">${sidebar(shop, rt.apps.all(), app)}<main><div id="loading" role="progressbar" aria-label="Loading" hidden></div><div id="titlebar"><span id="breadcrumb"></span><h1 id="title">${escapeHtml(app.name)}</h1><div id="title-actions"></div></div>
<iframe id="app-frame" name="app-iframe" title="${escapeHtml(app.name)}" src="${escapeHtml(frameUrl.toString())}" allow="clipboard-write"></iframe></main></div><div id="toasts"></div>
<div id="modal-overlay" class="overlay" hidden><div id="modal-host"></div></div>`,
      `<script type="application/json" id="shell-boot">${JSON.stringify(boot).replace(/</g, '\\u003c')}</script><script>${SHELL_JS}</script>`,
    ),
    { 'cache-control': 'no-store' },
  );
}

function productsPage(rt: ShopifyRuntime, res: ServerResponse, shop: ShopRecord): void {
  const rows = shop.products
    .flatMap((p) =>
      p.variants.map(
        (v) => `<tr><td>${escapeHtml(p.title)}</td><td>${escapeHtml(v.title)}</td><td>${escapeHtml(v.sku ?? '')}</td>
<td><form data-variant="${v.id}"><input name="price" value="${escapeHtml(v.price)}" inputmode="decimal"> ${escapeHtml(shop.currencyCode)}<button>Save</button></form></td><td>${escapeHtml(v.updatedAt)}</td></tr>`,
      ),
    )
    .join('');
  const script = `<script>document.querySelectorAll('form[data-variant]').forEach(function(f){f.addEventListener('submit',function(e){e.preventDefault();
fetch('/_sandbox/shopify/shops/${shop.domain}/prices',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({variantId:f.dataset.variant,price:f.price.value})})
.then(function(r){return r.json()}).then(function(r){f.querySelector('button').textContent=r.variants?'Saved':'Error'})})})</script>`;
  sendHtml(
    res,
    200,
    page(
      `Products · ${shop.name}`,
      `${topBar(`<strong>${escapeHtml(shop.name)}</strong><span>Products</span>`)}<div class="layout">${sidebar(shop, rt.apps.all(), null)}<main><div class="page">
<p>Editing a price here is a merchant's edit in Admin: it fires <code>products/update</code> to installed apps.</p>
<table><thead><tr><th>Product</th><th>Variant</th><th>SKU</th><th>Price</th><th>Updated</th></tr></thead><tbody>${rows}</tbody></table></div></main></div>`,
      script,
    ),
  );
}

export async function handleAdminShellPages(rt: ShopifyRuntime, req: IncomingMessage, res: ServerResponse, handleShop: ShopHandler): Promise<boolean> {
  const url = requestUrl(req);
  const path = url.pathname;
  if (APP_BRIDGE_PATHS.includes(path) && req.method === 'GET') {
    sendText(res, 200, APP_BRIDGE_JS, 'application/javascript; charset=utf-8', { 'cache-control': 'no-cache', 'access-control-allow-origin': '*' });
    return true;
  }
  if (path === '/_admin-shell/id-token' && req.method === 'POST') {
    const { nonce } = await readJson<{ nonce?: string }>(req);
    const s = nonce ? shellSessions.get(nonce) : undefined;
    const app = s && rt.apps.get(s.apiKey);
    if (!s || !app || s.expiresAt < Date.now()) {
      sendJson(res, 401, { error: 'unknown or expired Admin shell session; reload the page' });
      return true;
    }
    const token = await signSessionToken({ shop: s.shop, apiKey: app.apiKey, apiSecret: app.apiSecret, userId: s.userId, sid: s.sid });
    sendJson(res, 200, { token }, { 'cache-control': 'no-store' });
    return true;
  }
  const shopHop = /^\/_shop\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(\/.*)$/.exec(path);
  if (shopHop) {
    req.url = `${shopHop[2]}${url.search}`;
    await handleShop(req, res, shopHop[1]!);
    return true;
  }
  if (path === '/admin' || path === '/store' || path === '/store/') {
    const links = rt.state.shops.map((s) => `<li><a href="/store/${s.domain.replace(/\.myshopify\.com$/, '')}">${escapeHtml(s.name)}</a></li>`).join('');
    sendHtml(res, 200, page('Shopify Admin (sandbox)', `<header><strong>Shopify Admin (sandbox)</strong></header><div class="page"><ul>${links}</ul></div>`));
    return true;
  }
  const m = /^\/store\/([a-z0-9][a-z0-9-]*)(?:\/(.*))?$/.exec(path);
  if (!m || req.method !== 'GET') return false;
  const shop = findShop(rt.state, `${m[1]}.myshopify.com`);
  if (!shop) return false;
  const rest = m[2] ?? '';
  if (rest === '' || rest === 'products') {
    if (rest === 'products') productsPage(rt, res, shop);
    else {
      const app = rt.apps.primary();
      sendHtml(res, 200, page(shop.name, `${topBar(`<strong>${escapeHtml(shop.name)}</strong>`)}<div class="layout">${sidebar(shop, rt.apps.all(), null)}<main><div class="page"><h2>Home</h2><p>Open <a href="/store/${m[1]}/apps/${escapeHtml(app.handle)}">${escapeHtml(app.name)}</a>.</p></div></main></div>`));
    }
    return true;
  }
  const appMatch = /^apps\/([^/]+)(\/.*)?$/.exec(rest);
  if (!appMatch) return false;
  const app = findApp(rt, decodeURIComponent(appMatch[1]!));
  if (!app) return false;
  await shellPage(rt, res, shop, app, appMatch[2] ?? '', url.searchParams);
  return true;
}
