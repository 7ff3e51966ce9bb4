// The sandbox's Admin shell: hosts the embedded app in a frame and answers App Bridge (the stand-in script
// running in the frame) over postMessage: session tokens, toasts, loading, nav menu, title bar (title,
// breadcrumb, actions), modals, the save bar (and the leave-page confirmation), redirects.
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


  function send(type, payload) {
    frame.contentWindow.postMessage({ source: SOURCE, type: type, payload: payload }, appOrigin);
  }

  function button(label, kind, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn' + (kind ? ' btn-' + kind : '');
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }
  function actionButton(info, kind) {
    var b = button(info.label, info.tone === 'critical' ? 'critical' : kind, function () {
      send('titleBarAction', { key: info.key });
    });
    b.disabled = info.disabled || info.loading;
    if (info.loading) b.setAttribute('aria-busy', 'true');
    return b;
  }

  /** The Admin's title bar: breadcrumb, title, secondary actions (groups as menus), primary action. */
  function renderTitleBar(p) {
    var crumb = document.getElementById('breadcrumb');
    crumb.innerHTML = '';
    if (p.breadcrumb) {
      var link = button(p.breadcrumb.label, 'plain', function () {
        send('titleBarAction', { key: p.breadcrumb.key });
      });
      crumb.appendChild(link);
      crumb.appendChild(document.createTextNode(' › '));
    }
    document.getElementById('title').textContent = p.title || boot.appName;
    var actions = document.getElementById('title-actions');
    actions.innerHTML = '';
    (p.secondary || []).forEach(function (s) {
      if (!s.items) return actions.appendChild(actionButton(s, ''));
      var menu = document.createElement('details');
      menu.className = 'menu';
      var summary = document.createElement('summary');
      summary.className = 'btn';
      summary.textContent = s.group;
      menu.appendChild(summary);
      var list = document.createElement('div');
      list.className = 'menu-items';
      s.items.forEach(function (item) {
        var b = actionButton(item, 'plain');
        b.addEventListener('click', function () {
          menu.open = false;
        });
        list.appendChild(b);
      });
      menu.appendChild(list);
      actions.appendChild(menu);
    });
    if (p.primary) actions.appendChild(actionButton(p.primary, 'primary'));
  }

  /** A dialog of the Admin's own (leave page, discard changes), over everything. */
  function confirmDialog(title, text, cancelLabel, confirmLabel) {
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.className = 'overlay admin-dialog';
      var dialog = document.createElement('div');
      dialog.className = 'dialog';
      dialog.setAttribute('role', 'alertdialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.innerHTML = '<div class="dialog-head"><h2></h2></div><div class="dialog-body"><p></p></div><div class="dialog-foot"></div>';
      dialog.querySelector('h2').textContent = title;
      dialog.querySelector('p').textContent = text;
      function done(value) {
        overlay.remove();
        resolve(value);
      }
      var foot = dialog.querySelector('.dialog-foot');
      foot.appendChild(button(cancelLabel, '', function () {
        done(false);
      }));
      foot.appendChild(button(confirmLabel, 'critical', function () {
        done(true);
      }));
      overlay.appendChild(dialog);
      document.body.appendChild(overlay);
    });
  }

  // The save bar: while it shows, it takes the top bar's place, and leaving the page asks first.
  var saveBar = null;
  function renderSaveBar(p) {
    var bar = document.getElementById('save-bar');
    saveBar = p.visible ? p : saveBar && saveBar.key !== p.key ? saveBar : null;
    document.body.classList.toggle('save-bar-open', Boolean(saveBar));
    bar.hidden = !saveBar;
    if (!saveBar) return;
    var save = document.getElementById('save-bar-save');
    var discard = document.getElementById('save-bar-discard');
    save.disabled = saveBar.save.disabled || saveBar.save.loading;
    discard.disabled = saveBar.discard.disabled || saveBar.discard.loading || saveBar.save.loading;
    save.setAttribute('aria-busy', String(Boolean(saveBar.save.loading)));
  }
  document.getElementById('save-bar-save').addEventListener('click', function () {
    if (saveBar) send('saveBarAction', { key: saveBar.key, action: 'save' });
  });
  document.getElementById('save-bar-discard').addEventListener('click', function () {
    if (!saveBar) return;
    var key = saveBar.key;
    var ask = saveBar.discardConfirmation
      ? confirmDialog('Discard all unsaved changes?', 'If you discard changes, you’ll delete any edits you made since you last saved.', 'Keep editing', 'Discard changes')
      : Promise.resolve(true);
    ask.then(function (yes) {
      if (yes) send('saveBarAction', { key: key, action: 'discard' });
    });
  });
  function leaveConfirmation() {
    if (!saveBar) return Promise.resolve(true);
    return confirmDialog('Leave page with unsaved changes?', 'Leaving this page will delete all unsaved changes.', 'Stay', 'Leave page').then(function (leave) {
      if (leave) renderSaveBar({ key: saveBar.key, visible: false });
      return leave;
    });
  }
  // Links that leave the page (the app's nav, the Admin's sidebar) wait for the merchant's word.
  document.querySelector('nav').addEventListener(
    'click',
    function (e) {
      var a = e.target.closest && e.target.closest('a');
      if (!a || !saveBar || a.closest('#app-nav')) return;
      e.preventDefault();
      e.stopPropagation();
      leaveConfirmation().then(function (leave) {
        if (leave) location.assign(a.href);
      });
    },
    true,
  );

  // Modals: an inline one is drawn in the app's frame, raised above the Admin's dimmed chrome; a `src` one
  // is an iframe the Admin draws.
  var modals = {};
  function renderModals() {
    var keys = Object.keys(modals);
    var overlay = document.getElementById('modal-overlay');
    overlay.hidden = keys.length === 0;
    document.body.classList.toggle('app-modal-open', keys.some(function (k) {
      return !modals[k].src;
    }));
    var host = document.getElementById('modal-host');
    host.innerHTML = '';
    keys.forEach(function (key) {
      var m = modals[key];
      if (!m.src) return;
      var dialog = document.createElement('div');
      dialog.className = 'dialog dialog-' + (m.variant || 'base');
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.innerHTML = '<div class="dialog-head"><h2></h2></div><iframe class="dialog-frame"></iframe><div class="dialog-foot"></div>';
      dialog.querySelector('h2').textContent = (m.bar && m.bar.title) || '';
      dialog.querySelector('h2').id = 'modal-title-' + key;
      dialog.setAttribute('aria-labelledby', 'modal-title-' + key);
      var close = button('×', 'plain', function () {
        send('modalClose', { modal: key });
      });
      close.setAttribute('aria-label', 'Close');
      dialog.querySelector('.dialog-head').appendChild(close);
      var iframe = dialog.querySelector('iframe');
      iframe.src = m.src;
      iframe.title = (m.bar && m.bar.title) || boot.appName;
      var foot = dialog.querySelector('.dialog-foot');
      var bar = m.bar || { secondary: [] };
      bar.secondary.forEach(function (s) {
        (s.items || [s]).forEach(function (b) {
          foot.appendChild(modalAction(key, b, ''));
        });
      });
      if (bar.primary) foot.appendChild(modalAction(key, bar.primary, 'primary'));
      host.appendChild(dialog);
    });
  }
  function modalAction(modal, info, kind) {
    var b = button(info.label, info.tone === 'critical' ? 'critical' : kind, function () {
      send('modalAction', { modal: modal, key: info.key });
    });
    b.disabled = info.disabled || info.loading;
    return b;
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
          leaveConfirmation().then(function (leave) {
            if (leave) send('navigate', { href: item.href });
          });
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
        renderTitleBar(p);
        break;
      case 'saveBar':
        renderSaveBar(p);
        break;
      case 'leaveConfirmation':
        leaveConfirmation().then(function (leave) {
          reply(msg, { leave: leave });
        });
        break;
      case 'modal':
        if (p.open) modals[p.key] = p;
        else delete modals[p.key];
        renderModals();
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
