// Stand-in for Shopify's App Bridge CDN script (https://cdn.shopify.com/shopifycloud/app-bridge.js), served
// by the Calibrate sandbox. It runs inside the embedded app's frame and implements what Calibrate uses:
// the `shopify` global (config, idToken(), toast, loading, modal, saveBar), <ui-nav-menu>, <ui-title-bar>,
// <ui-modal>, <ui-save-bar>, window.open to
// _top/_parent, the authenticated fetch (session token in Authorization, re-auth headers), and the
// `shopify-reload` bounce. It talks to the sandbox's Admin shell (the parent frame) with postMessage.
(function () {
  'use strict';
  if (window.shopify && window.shopify.__sandbox) return;

  var script = document.currentScript;
  var apiKey = (script && script.getAttribute('data-api-key')) || '';
  var shellOrigin = script ? new URL(script.src, location.href).origin : location.origin;
  var SOURCE = 'shopify-app-bridge-sandbox';
  var params = new URLSearchParams(location.search);
  var stored = {};
  try {
    stored = JSON.parse(sessionStorage.getItem('shopify-sandbox-config') || '{}');
  } catch {
    stored = {};
  }
  var config = {
    apiKey: apiKey,
    shop: params.get('shop') || stored.shop || '',
    host: params.get('host') || stored.host || '',
    locale: params.get('locale') || stored.locale || 'en',
  };
  try {
    sessionStorage.setItem('shopify-sandbox-config', JSON.stringify(config));
  } catch {
    /* storage may be blocked in a third-party frame */
  }

  var framed = window.top !== window.self;
  var pending = {};
  var seq = 0;

  function post(type, payload, id) {
    if (!framed) return;
    window.parent.postMessage({ source: SOURCE, type: type, id: id, payload: payload || {} }, shellOrigin);
  }

  function request(type, payload) {
    return new Promise(function (resolve, reject) {
      if (!framed) {
        reject(new Error('App Bridge: the app is not embedded in the Shopify Admin'));
        return;
      }
      var id = 'r' + ++seq;
      var timer = setTimeout(function () {
        delete pending[id];
        reject(new Error('App Bridge: no answer from the Admin for ' + type));
      }, 10000);
      pending[id] = {
        resolve: function (v) {
          clearTimeout(timer);
          resolve(v);
        },
        reject: function (e) {
          clearTimeout(timer);
          reject(e);
        },
      };
      post(type, payload, id);
    });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || event.origin !== shellOrigin) return;
    var msg = event.data;
    if (!msg || msg.source !== SOURCE) return;
    if (msg.id && pending[msg.id]) {
      var p = pending[msg.id];
      delete pending[msg.id];
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.payload);
      return;
    }
    if (msg.type === 'navigate') {
      // The merchant chose to leave in the Admin: the save bar goes with the page.
      var bar = visibleSaveBar();
      if (bar) bar.hide();
      navigate(msg.payload.href);
    } else adminAction(msg);
  });

  // Track whether the app listens for shopify:navigate (the Remix AppProvider does); if not, load the page.
  var navigateListeners = 0;
  var addEventListener = window.addEventListener;
  window.addEventListener = function (type) {
    if (type === 'shopify:navigate') navigateListeners++;
    return addEventListener.apply(this, arguments);
  };

  function navigate(href) {
    var anchor = null;
    var menu = document.querySelector('ui-nav-menu');
    if (menu) {
      anchor = Array.prototype.find.call(menu.querySelectorAll('a'), function (a) {
        return a.getAttribute('href') === href;
      });
    }
    if (!anchor) {
      anchor = document.createElement('a');
      anchor.setAttribute('href', href);
      anchor.style.display = 'none';
      document.body.appendChild(anchor);
    }
    if (navigateListeners > 0) {
      anchor.dispatchEvent(new CustomEvent('shopify:navigate', { bubbles: true, composed: true }));
    } else {
      location.assign(new URL(href, location.href).toString());
    }
  }

  function idToken() {
    return request('idToken').then(function (p) {
      return p.token;
    });
  }

  var toastSeq = 0;
  var shopify = {
    __sandbox: true,
    config: config,
    origin: shellOrigin,
    environment: { embedded: framed, mobile: false, pos: false },
    idToken: idToken,
    toast: {
      show: function (message, options) {
        var id = 'toast-' + ++toastSeq;
        post('toast', { id: id, message: String(message), duration: (options && options.duration) || 5000, isError: Boolean(options && options.isError) });
        return id;
      },
      hide: function (id) {
        post('toastHide', { id: id });
      },
    },
    loading: function (isLoading) {
      post('loading', { on: isLoading !== false });
    },
    user: function () {
      return request('user');
    },
  };
  ['resourcePicker', 'scanner', 'share', 'print'].forEach(function (name) {
    shopify[name] = function () {
      throw new Error('App Bridge sandbox stand-in: shopify.' + name + ' is not implemented');
    };
  });
  // shopify.modal / shopify.saveBar: by element id, like Shopify's (they call the element's methods).
  function byId(tag, id) {
    var el = document.getElementById(id);
    if (!el || el.tagName.toLowerCase() !== tag) return Promise.reject(new Error('App Bridge: no <' + tag + '> with id ' + id));
    return Promise.resolve(el);
  }
  function byIdCall(tag, method) {
    return function (id) {
      return byId(tag, id).then(function (el) {
        return el[method]();
      });
    };
  }
  shopify.modal = { show: byIdCall('ui-modal', 'show'), hide: byIdCall('ui-modal', 'hide'), toggle: byIdCall('ui-modal', 'toggle') };
  shopify.saveBar = {
    show: byIdCall('ui-save-bar', 'show'),
    hide: byIdCall('ui-save-bar', 'hide'),
    toggle: byIdCall('ui-save-bar', 'toggle'),
    // Resolves at once without a visible save bar, else once the merchant chose to leave (the Admin asks).
    leaveConfirmation: function () {
      if (!visibleSaveBar()) return Promise.resolve();
      return request('leaveConfirmation').then(function (p) {
        if (!p.leave) return new Promise(function () {});
        var bar = visibleSaveBar();
        if (bar) bar.hide();
      });
    },
  };
  window.shopify = shopify;

  // window.open to _top/_parent leaves the frame: the Admin shell navigates.
  var originalOpen = window.open;
  window.open = function (url, target, features) {
    if (target === '_top' || target === '_parent') {
      post('redirect', { url: new URL(String(url), location.href).toString(), target: target });
      return null;
    }
    return originalOpen.call(window, url, target, features);
  };

  // Authenticated fetch: same-origin requests carry the session token; re-auth headers are honoured.
  var originalFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var req = new Request(input, init);
    if (new URL(req.url).origin !== location.origin || !framed) return originalFetch(req);
    var retry = req.clone();
    function send(r, token) {
      var headers = new Headers(r.headers);
      if (!headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + token);
      return originalFetch(new Request(r, { headers: headers }));
    }
    return idToken().then(function (token) {
      return send(req, token).then(function (res) {
        var reauth = res.headers.get('X-Shopify-API-Request-Failure-Reauthorize-Url');
        if (reauth) {
          window.open(reauth, '_top');
          return res;
        }
        if (res.status === 401 && res.headers.get('X-Shopify-Retry-Invalid-Session-Request') === '1') {
          return idToken().then(function (fresh) {
            return send(retry, fresh);
          });
        }
        return res;
      });
    });
  };

  // <ui-nav-menu>: its links become the app's navigation in the Admin.
  function sendNavMenu(menu) {
    var items = Array.prototype.map.call(menu.querySelectorAll('a'), function (a) {
      return { label: a.textContent.trim(), href: a.getAttribute('href'), rel: a.getAttribute('rel') || '' };
    });
    post('navMenu', { items: items });
  }
  if (!customElements.get('ui-nav-menu')) {
    customElements.define(
      'ui-nav-menu',
      class extends HTMLElement {
        connectedCallback() {
          this.style.display = 'none';
          sendNavMenu(this);
          this._observer = new MutationObserver(() => sendNavMenu(this));
          this._observer.observe(this, { childList: true, subtree: true, characterData: true, attributes: true });
        }
        disconnectedCallback() {
          if (this._observer) this._observer.disconnect();
          post('navMenu', { items: [] });
        }
      },
    );
  }
  // ----- Title bar, modal and save bar: the app declares them as elements; the Admin draws them. -----

  function isAction(el) {
    var tag = el.tagName.toLowerCase();
    return tag === 'button' || tag === 'a';
  }
  function flag(el, name) {
    return el.hasAttribute(name) && el.getAttribute(name) !== 'false';
  }
  /** A title bar's buttons as the Admin draws them; `elements[key]` is the app's element a click goes to. */
  function describeBar(bar) {
    var elements = [];
    function info(el) {
      elements.push(el);
      return {
        key: elements.length - 1,
        label: (el.textContent || '').trim(),
        tone: el.getAttribute('tone') || '',
        disabled: flag(el, 'disabled'),
        loading: flag(el, 'loading'),
      };
    }
    var out = { title: bar.getAttribute('title') || '', breadcrumb: null, primary: null, secondary: [] };
    Array.prototype.forEach.call(bar.children, function (child) {
      if (child.tagName.toLowerCase() === 'section') {
        out.secondary.push({ group: child.getAttribute('label') || 'More actions', items: Array.prototype.filter.call(child.children, isAction).map(info) });
      } else if (isAction(child)) {
        var variant = child.getAttribute('variant');
        if (variant === 'breadcrumb') out.breadcrumb = info(child);
        else if (variant === 'primary') out.primary = info(child);
        else out.secondary.push(info(child));
      }
    });
    return { payload: out, elements: elements };
  }
  function watch(el, callback) {
    var observer = new MutationObserver(callback);
    observer.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
    return observer;
  }

  // The page's title bar is the last <ui-title-bar> outside a modal; pages swap theirs as the app navigates.
  var titleBarElements = [];
  var titleBarQueued = false;
  function syncTitleBar() {
    if (titleBarQueued) return;
    titleBarQueued = true;
    Promise.resolve().then(function () {
      titleBarQueued = false;
      var bars = Array.prototype.filter.call(document.querySelectorAll('ui-title-bar'), function (b) {
        return !b.closest('ui-modal');
      });
      var bar = bars[bars.length - 1];
      var described = bar ? describeBar(bar) : { payload: { title: '', breadcrumb: null, primary: null, secondary: [] }, elements: [] };
      titleBarElements = described.elements;
      post('titleBar', described.payload);
    });
  }
  function titleBarChanged(bar) {
    var modal = bar.closest('ui-modal');
    if (modal && modal._render) modal._render();
    else syncTitleBar();
  }
  if (!customElements.get('ui-title-bar')) {
    customElements.define(
      'ui-title-bar',
      class extends HTMLElement {
        connectedCallback() {
          this.style.display = 'none';
          this._observer = watch(this, () => titleBarChanged(this));
          titleBarChanged(this);
        }
        disconnectedCallback() {
          if (this._observer) this._observer.disconnect();
          syncTitleBar();
        }
      },
    );
  }

  // <ui-modal>: inline content is drawn over a backdrop in this frame while the Admin dims everything around
  // it; a `src` modal is an iframe the Admin draws. `content` is where the React Modal portals its children.
  var MODAL_WIDTHS = { small: '380px', base: '620px', large: '980px', max: '100%' };
  var openModals = {};
  var modalSeq = 0;
  function modalButton(label, primary, tone) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.style.cssText =
      'font:inherit;font-weight:600;padding:6px 12px;border-radius:8px;cursor:pointer;border:1px solid ' +
      (primary ? (tone === 'critical' ? '#8e1f0b' : '#303030') : '#c9c9c9') +
      ';background:' +
      (primary ? (tone === 'critical' ? '#c70a24' : '#303030') : '#fff') +
      ';color:' +
      (primary ? '#fff' : '#303030');
    return b;
  }
  if (!customElements.get('ui-modal')) {
    customElements.define(
      'ui-modal',
      class extends HTMLElement {
        constructor() {
          super();
          this._key = 'modal-' + ++modalSeq;
          this._open = false;
          this._content = document.createElement('div');
          this._content.setAttribute('data-ui-modal-content', '');
        }
        get content() {
          return this._content;
        }
        get src() {
          return this.getAttribute('src');
        }
        set src(value) {
          if (value) this.setAttribute('src', value);
          else this.removeAttribute('src');
        }
        get variant() {
          return this.getAttribute('variant') || 'base';
        }
        set variant(value) {
          this.setAttribute('variant', value);
        }
        get open() {
          return this._open;
        }
        connectedCallback() {
          this.style.display = 'none';
          this._observer = watch(this, () => this._render());
        }
        disconnectedCallback() {
          if (this._observer) this._observer.disconnect();
          if (this._open) this.hide();
        }
        show() {
          if (this._open) return Promise.resolve();
          this._open = true;
          openModals[this._key] = this;
          this._render();
          this.dispatchEvent(new Event('show'));
          return Promise.resolve();
        }
        hide() {
          if (!this._open) return Promise.resolve();
          this._open = false;
          delete openModals[this._key];
          if (this._backdrop) this._backdrop.remove();
          this._backdrop = null;
          post('modal', { key: this._key, open: false });
          this.dispatchEvent(new Event('hide'));
          return Promise.resolve();
        }
        toggle() {
          return this._open ? this.hide() : this.show();
        }
        /** The modal's title bar: its title, and its buttons for the footer. */
        _bar() {
          var bar = this.querySelector('ui-title-bar');
          return bar ? describeBar(bar) : { payload: { title: '', primary: null, secondary: [] }, elements: [] };
        }
        _render() {
          if (!this._open) return;
          var bar = this._bar();
          this._elements = bar.elements;
          var src = this.src;
          if (src) {
            post('modal', { key: this._key, open: true, src: new URL(src, location.href).toString(), variant: this.variant, bar: bar.payload });
            return;
          }
          post('modal', { key: this._key, open: true, variant: this.variant });
          // Plain-HTML content (no React portal): the element's own children other than its title bar.
          if (!this._content.hasChildNodes()) {
            Array.prototype.slice.call(this.children).forEach((child) => {
              var tag = child.tagName.toLowerCase();
              if (tag !== 'ui-title-bar' && tag !== 'ui-save-bar' && child.hasChildNodes()) this._content.appendChild(child);
            });
          }
          if (!this._backdrop) {
            var backdrop = document.createElement('div');
            backdrop.setAttribute('data-sandbox-modal-backdrop', this._key);
            backdrop.style.cssText = 'position:fixed;inset:0;background:rgba(0,0,0,.5);z-index:500;display:flex;align-items:center;justify-content:center;padding:16px';
            var dialog = document.createElement('div');
            dialog.setAttribute('role', 'dialog');
            dialog.setAttribute('aria-modal', 'true');
            dialog.style.cssText = 'background:#fff;border-radius:12px;box-shadow:0 20px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;max-height:calc(100vh - 32px);width:100%';
            var header = document.createElement('div');
            header.style.cssText = 'display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#f3f3f3;border-radius:12px 12px 0 0';
            var heading = document.createElement('h2');
            heading.id = this._key + '-title';
            heading.style.cssText = 'margin:0;font-size:14px;font-weight:650';
            dialog.setAttribute('aria-labelledby', heading.id);
            var close = modalButton('×', false);
            close.setAttribute('aria-label', 'Close');
            close.style.border = '0';
            close.style.background = 'transparent';
            close.addEventListener('click', () => this.hide());
            header.appendChild(heading);
            header.appendChild(close);
            var body = document.createElement('div');
            body.style.cssText = 'overflow:auto;flex:1';
            body.appendChild(this._content);
            var footer = document.createElement('div');
            footer.style.cssText = 'display:flex;justify-content:flex-end;gap:8px;padding:12px 16px;border-top:1px solid #e3e3e3';
            dialog.appendChild(header);
            dialog.appendChild(body);
            dialog.appendChild(footer);
            backdrop.appendChild(dialog);
            backdrop.addEventListener('keydown', (e) => {
              if (e.key === 'Escape') this.hide();
            });
            document.body.appendChild(backdrop);
            this._backdrop = backdrop;
            this._parts = { dialog: dialog, heading: heading, footer: footer };
          }
          this._parts.dialog.style.maxWidth = MODAL_WIDTHS[this.variant] || MODAL_WIDTHS.base;
          this._parts.heading.textContent = bar.payload.title;
          var footerEl = this._parts.footer;
          footerEl.innerHTML = '';
          var buttons = [];
          bar.payload.secondary.forEach(function (s) {
            (s.items || [s]).forEach(function (b) {
              buttons.push({ b: b, primary: false });
            });
          });
          if (bar.payload.primary) buttons.push({ b: bar.payload.primary, primary: true });
          footerEl.hidden = buttons.length === 0;
          buttons.forEach((entry) => {
            var el = modalButton(entry.b.label, entry.primary, entry.b.tone);
            el.disabled = entry.b.disabled || entry.b.loading;
            if (entry.b.loading) el.setAttribute('aria-busy', 'true');
            el.addEventListener('click', () => this._action(entry.b.key));
            footerEl.appendChild(el);
          });
        }
        _action(key) {
          var target = this._elements && this._elements[key];
          if (target) target.click();
        }
      },
    );
  }

  // <ui-save-bar>: shown, it replaces the Admin's top bar with Save and Discard; those click the app's
  // button with variant="primary" (Save) and the one without a variant (Discard).
  var saveBarSeq = 0;
  var saveBars = {};
  function visibleSaveBar() {
    for (var key in saveBars) if (saveBars[key]._showing) return saveBars[key];
    return null;
  }
  if (!customElements.get('ui-save-bar')) {
    customElements.define(
      'ui-save-bar',
      class extends HTMLElement {
        constructor() {
          super();
          this._key = 'save-bar-' + ++saveBarSeq;
          this._showing = false;
        }
        get showing() {
          return this._showing;
        }
        get discardConfirmation() {
          return flag(this, 'discardConfirmation') || flag(this, 'discardconfirmation');
        }
        set discardConfirmation(value) {
          if (value) this.setAttribute('discardConfirmation', '');
          else this.removeAttribute('discardConfirmation');
        }
        connectedCallback() {
          this.style.display = 'none';
          saveBars[this._key] = this;
          this._observer = watch(this, () => {
            if (this._showing) this._post();
          });
        }
        disconnectedCallback() {
          if (this._observer) this._observer.disconnect();
          if (this._showing) this.hide();
          delete saveBars[this._key];
        }
        _buttons() {
          var buttons = Array.prototype.filter.call(this.children, function (c) {
            return c.tagName.toLowerCase() === 'button';
          });
          return {
            save: buttons.find(function (b) {
              return b.getAttribute('variant') === 'primary';
            }),
            discard: buttons.find(function (b) {
              return !b.getAttribute('variant');
            }),
          };
        }
        _post() {
          var b = this._buttons();
          function state(el) {
            return { disabled: el ? flag(el, 'disabled') : false, loading: el ? flag(el, 'loading') : false };
          }
          post('saveBar', { key: this._key, visible: this._showing, save: state(b.save), discard: state(b.discard), discardConfirmation: this.discardConfirmation });
        }
        show() {
          if (!this._showing) {
            this._showing = true;
            this._post();
            this.dispatchEvent(new Event('show'));
          }
          return Promise.resolve();
        }
        hide() {
          if (this._showing) {
            this._showing = false;
            post('saveBar', { key: this._key, visible: false });
            this.dispatchEvent(new Event('hide'));
          }
          return Promise.resolve();
        }
        toggle() {
          return this._showing ? this.hide() : this.show();
        }
        _action(action) {
          var b = this._buttons()[action];
          if (b) b.click();
        }
      },
    );
  }

  // Clicks in the Admin's title bar, modal and save bar go to the app's own elements.
  function adminAction(msg) {
    var p = msg.payload || {};
    if (msg.type === 'titleBarAction') {
      var el = titleBarElements[p.key];
      if (el) el.click();
    } else if (msg.type === 'modalAction' && openModals[p.modal]) {
      openModals[p.modal]._action(p.key);
    } else if (msg.type === 'modalClose' && openModals[p.modal]) {
      openModals[p.modal].hide();
    } else if (msg.type === 'saveBarAction' && saveBars[p.key]) {
      saveBars[p.key]._action(p.action);
    }
  }

  // Keep the Admin's address bar in step with the app's route.
  function reportLocation() {
    post('location', { path: location.pathname + location.search });
  }
  var pushState = history.pushState;
  history.pushState = function () {
    var r = pushState.apply(this, arguments);
    reportLocation();
    return r;
  };
  var replaceState = history.replaceState;
  history.replaceState = function () {
    var r = replaceState.apply(this, arguments);
    reportLocation();
    return r;
  };
  window.addEventListener('popstate', reportLocation);

  if (!framed) {
    // Outside the Admin, App Bridge sends the merchant to the app inside the Admin.
    if (config.shop) {
      var store = config.shop.replace(/\.myshopify\.com$/, '');
      location.assign(shellOrigin + '/store/' + store + '/apps/' + encodeURIComponent(apiKey) + location.pathname);
    }
    return;
  }

  post('ready', { apiKey: apiKey, url: location.href });
  reportLocation();

  // Bounce page: fetch a session token and reload the app with it.
  var reload = params.get('shopify-reload');
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, location.href);
      if (target.origin !== location.origin) return;
      target.searchParams.set('id_token', token);
      location.replace(target.toString());
    });
  }
})();
