// Stand-in for Shopify's App Bridge CDN script (https://cdn.shopify.com/shopifycloud/app-bridge.js), served
// by the Calibrate sandbox. It runs inside the embedded app's frame and implements what Calibrate uses:
// the `shopify` global (config, idToken(), toast, loading), <ui-nav-menu>, <ui-title-bar>, window.open to
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
    if (msg.type === 'navigate') navigate(msg.payload.href);
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
  ['modal', 'resourcePicker', 'saveBar', 'scanner', 'share', 'print'].forEach(function (name) {
    shopify[name] = function () {
      throw new Error('App Bridge sandbox stand-in: shopify.' + name + ' is not implemented');
    };
  });
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
  if (!customElements.get('ui-title-bar')) {
    customElements.define(
      'ui-title-bar',
      class extends HTMLElement {
        static get observedAttributes() {
          return ['title'];
        }
        connectedCallback() {
          this.style.display = 'none';
          post('titleBar', { title: this.getAttribute('title') || '' });
        }
        attributeChangedCallback() {
          post('titleBar', { title: this.getAttribute('title') || '' });
        }
      },
    );
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
