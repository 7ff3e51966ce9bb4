// The sandbox's Admin shell: hosts the embedded app in a frame and answers App Bridge (the stand-in script
// running in the frame) over postMessage: session tokens, toasts, loading, nav menu, title, redirects.
(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('shell-boot').textContent);
  var frame = document.getElementById('app-frame');
  var appOrigin = boot.appOrigin;
  var SOURCE = 'shopify-app-bridge-sandbox';

  function reply(msg, payload, error) {
    frame.contentWindow.postMessage({ source: SOURCE, type: msg.type, id: msg.id, payload: payload, error: error }, appOrigin);
  }

  function mintToken() {
    return fetch(boot.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nonce: boot.nonce }),
    }).then(function (res) {
      if (!res.ok) throw new Error('session token refused: ' + res.status);
      return res.json();
    });
  }

  function toast(message, isError, duration) {
    var el = document.createElement('div');
    el.className = 'toast' + (isError ? ' toast-error' : '');
    el.textContent = message;
    el.setAttribute('role', 'status');
    document.getElementById('toasts').appendChild(el);
    setTimeout(function () {
      el.remove();
    }, duration || 5000);
  }

  /** Where an App Bridge redirect goes in this sandbox: Admin URLs map to the shell, shop URLs to /_shop. */
  function mapUrl(raw) {
    var u = new URL(raw, boot.appUrl);
    if (u.hostname === 'admin.shopify.com') return location.origin + u.pathname + u.search + u.hash;
    if (/\.myshopify\.com$/.test(u.hostname)) return location.origin + '/_shop/' + u.hostname + u.pathname + u.search;
    if (u.protocol === 'shopify:') return location.origin + '/store/' + boot.store + u.pathname.replace(/^\/*admin/, '') + u.search;
    return u.toString();
  }

  function renderNav(items) {
    var list = document.getElementById('app-nav');
    list.innerHTML = '';
    items
      .filter(function (i) {
        return i.rel !== 'home';
      })
      .forEach(function (item) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = boot.shellBase + item.href;
        a.textContent = item.label;
        a.setAttribute('data-href', item.href);
        a.addEventListener('click', function (e) {
          e.preventDefault();
          // On a phone the nav is open over the app: close it as Admin does.
          document.getElementById('nav-toggle').checked = false;
          frame.contentWindow.postMessage({ source: SOURCE, type: 'navigate', payload: { href: item.href } }, appOrigin);
        });
        li.appendChild(a);
        list.appendChild(li);
      });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
    var msg = event.data;
    if (!msg || msg.source !== SOURCE) return;
    var p = msg.payload || {};
    switch (msg.type) {
      case 'ready':
        document.body.setAttribute('data-app-ready', 'true');
        break;
      case 'idToken':
        mintToken().then(
          function (r) {
            reply(msg, { token: r.token });
          },
          function (e) {
            reply(msg, null, String(e.message || e));
          },
        );
        break;
      case 'user':
        reply(msg, boot.user);
        break;
      case 'toast':
        toast(p.message, p.isError, p.duration);
        break;
      case 'loading':
        document.getElementById('loading').hidden = !p.on;
        break;
      case 'navMenu':
        renderNav(p.items || []);
        break;
      case 'titleBar':
        document.getElementById('title').textContent = p.title || boot.appName;
        break;
      case 'location':
        if (typeof p.path === 'string' && p.path.indexOf('/') === 0) {
          var clean = new URL(p.path, boot.appUrl);
          ['embedded', 'hmac', 'host', 'id_token', 'locale', 'session', 'shop', 'timestamp'].forEach(function (k) {
            clean.searchParams.delete(k);
          });
          history.replaceState(null, '', boot.shellBase + clean.pathname + clean.search);
        }
        break;
      case 'redirect':
        location.assign(mapUrl(p.url));
        break;
    }
  });
})();
