/* Comment loader: one iframe per div[data-site], sized to its content. No dependencies.
   Snippet options (on the div): data-url, data-title, data-collapsed="true",
   data-theme="light|dark|auto", data-lang; data-sso, data-sso-login, data-sso-logout for
   the host site's own users. See the README, "Embedding" and "Commenter accounts". */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var MIN_HEIGHT = 50, MAX_HEIGHT = 100000;
  var linked = /^#c-(\d+)$/.exec(location.hash);
  var frames = [];
  // The loader's words in every language, put in by the server (widget/embed/loader.py).
  var STRINGS = /*LOADER_STRINGS*/{};

  // The snippet's data-lang, else the host page's language, else the browser's.
  function wordsFor(div) {
    var wanted = [div.dataset.lang, document.documentElement.lang].concat(navigator.languages || []);
    for (var i = 0; i < wanted.length; i++) {
      var language = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
      if (STRINGS[language]) return STRINGS[language];
    }
    return STRINGS.en || { comments: "Comments", show: "Show comments", showCount: "Show comments (%(num)s)" };
  }

  function articleUrl(div) {
    if (div.dataset.url) return new URL(div.dataset.url, location.href).href;
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) return canonical.href;
    return location.href.split("#")[0];
  }

  // Where the viewer's tokens are kept: the host page's storage is first-party, so it
  // survives where the iframe's own cookies and storage are blocked. "own": their comments
  // (widget/embed/own.py); "account": the signed-in commenter (widget/accounts/sessions.py).
  function storageKey(kind, div) { return "widget-" + kind + ":" + div.dataset.site; }

  function stored(key) {
    try { return localStorage.getItem(key); } catch (error) { return null; }
  }

  function keep(key, value) {
    try {
      if (value) localStorage.setItem(key, value);
      else localStorage.removeItem(key);
    } catch (error) { /* kept for this page view only */ }
  }

  // Who the reader is, told to the thread after each load of its frame by postMessage
  // (never in its URL): the commenter token, and the host site's SSO token for its
  // logged-in user when the snippet carries data-sso (present but empty: nobody).
  function tellIdentity(frame) {
    var div = frame.div;
    frame.iframe.contentWindow.postMessage({
      type: "widget:identity",
      account: frame.account || stored(storageKey("account", div)) || "",
      sso: "sso" in div.dataset ? div.dataset.sso : null,
      hostSignIn: Boolean(div.dataset.ssoLogin)
    }, base);
  }

  // Sign in or out on the host site: the top window goes to the snippet's URL, with the
  // article to come back to.
  function goToHost(url) {
    if (!url) return;
    var target = new URL(url, location.href);
    if (!/^https?:$/.test(target.protocol)) return;
    target.searchParams.set("return_to", location.href.split("#")[0]);
    location.href = target.href;
  }

  // data-theme "auto" (or none) follows the HOST page, not the reader's OS: a light blog
  // read in OS dark mode keeps a light thread. The first opaque background behind the
  // snippet decides by its brightness; with none, the page's color-scheme (CSS property
  // or <meta name="color-scheme">), and only a page that allows both asks the OS.
  function hostTheme(div) {
    for (var el = div; el; el = el.parentElement) {
      var rgba = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(
        getComputedStyle(el).backgroundColor);
      if (rgba && (rgba[4] === undefined || Number(rgba[4]) > 0.5)) {
        var luma = 0.2126 * rgba[1] + 0.7152 * rgba[2] + 0.0722 * rgba[3];
        return luma < 128 ? "dark" : "light";
      }
    }
    var meta = document.querySelector('meta[name="color-scheme"]');
    var scheme = getComputedStyle(document.documentElement).colorScheme;
    if (!scheme || scheme === "normal") scheme = meta ? meta.content : "";
    // Dark when the page allows only dark, or both and the OS prefers dark; otherwise the
    // browser paints the page (which did not opt in to dark mode) light.
    var prefersDark = !/\blight\b/.test(scheme) || matchMedia("(prefers-color-scheme: dark)").matches;
    return /\bdark\b/.test(scheme) && prefersDark ? "dark" : "light";
  }

  function themeFor(div) {
    var chosen = div.dataset.theme;
    return chosen === "light" || chosen === "dark" ? chosen : hostTheme(div);
  }

  function threadSrc(div) {
    var query = new URLSearchParams({ url: articleUrl(div), origin: location.origin });
    var options = { title: div.dataset.title || document.title, theme: themeFor(div),
                    lang: div.dataset.lang, own: stored(storageKey("own", div)) };
    Object.keys(options).forEach(function (name) {
      if (options[name]) query.set(name, options[name]);
    });
    if (linked) query.set("comment", linked[1]);  // big threads: the page that holds it
    var src = base + "/t/" + encodeURIComponent(div.dataset.site) + "?" + query;
    return linked ? src + linked[0] : src;
  }

  function mount(div) {
    var iframe = document.createElement("iframe");
    iframe.src = threadSrc(div);
    iframe.title = wordsFor(div).comments;
    iframe.allow = "clipboard-write";
    iframe.setAttribute("scrolling", "no");
    iframe.style.cssText = "width:100%;border:0;height:400px;display:block;color-scheme:normal";
    var frame = { iframe: iframe, div: div };
    iframe.addEventListener("load", function () { tellIdentity(frame); });
    div.appendChild(iframe);
    frames.push(frame);
  }

  function countsUrl(site, urls) {
    var query = new URLSearchParams({ site: site });
    urls.forEach(function (url) { query.append("url", url); });
    return base + "/api/counts?" + query;
  }

  // data-collapsed="true": a button with the current count; the thread loads on click.
  // The counts of every collapsed thread of one site come in one request.
  function collapse(divs) {
    var bySite = {};
    divs.forEach(function (div) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comments-show";
      // A real control on the host page: its font, at least 44 px tall, in the colours the
      // thread will have; a site may restyle .comments-show (inline styles give way to
      // !important rules).
      var dark = themeFor(div) === "dark";
      button.style.cssText = "font:inherit;font-size:1rem;line-height:1.5;min-height:44px;" +
        "padding:.5rem 1.25rem;border-radius:6px;cursor:pointer;border:1px solid " +
        (dark ? "#3d444d;background:#151b23;color:#e6edf3" : "#d1d9e0;background:#f6f8fa;color:#1f2328");
      button.textContent = wordsFor(div).show;
      button.addEventListener("click", function () {
        button.remove();
        mount(div);
      });
      div.appendChild(button);
      (bySite[div.dataset.site] = bySite[div.dataset.site] || []).push(
        { url: articleUrl(div), button: button, words: wordsFor(div) });
    });
    Object.keys(bySite).forEach(function (site) {
      var items = bySite[site];
      fetch(countsUrl(site, items.map(function (item) { return item.url; })),
            { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : { counts: {} }; })
        .then(function (body) {
          items.forEach(function (item) {
            var count = body.counts[item.url];
            if (typeof count !== "number") return;
            item.button.textContent = item.words.showCount.replace("%(num)s", count);
          });
        })
        .catch(function () { /* the button still works without a number */ });
    });
  }

  function frameOf(source) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].iframe.contentWindow === source) return frames[i];
    }
    return null;
  }

  function scrollToComment(iframe, top) {
    var go = function () {
      var y = iframe.getBoundingClientRect().top + window.pageYOffset + top;
      window.scrollTo({ top: Math.max(0, y - 16), behavior: "auto" });
    };
    if (document.readyState === "complete") go();
    else window.addEventListener("load", go);
  }

  // Only messages from the service's origin and from one of our own iframes count.
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== base || !data || typeof data.type !== "string") return;
    var frame = frameOf(event.source);
    if (!frame) return;
    if (data.type === "widget:height") {
      var height = Math.max(MIN_HEIGHT, Math.min(Math.ceil(Number(data.height)) || 0, MAX_HEIGHT));
      frame.iframe.style.height = height + "px";
    } else if (data.type === "widget:scroll") {
      var top = Number(data.top);
      if (top >= 0 && top <= MAX_HEIGHT) scrollToComment(frame.iframe, top);
    } else if (data.type === "widget:own" && typeof data.token === "string") {
      keep(storageKey("own", frame.div), data.token);
    } else if (data.type === "widget:account" && typeof data.token === "string") {
      frame.account = data.token;
      keep(storageKey("account", frame.div), data.token);
    } else if (data.type === "widget:host-sign-in") {
      goToHost(frame.div.dataset.ssoLogin);
    } else if (data.type === "widget:host-sign-out") {
      goToHost(frame.div.dataset.ssoLogout);
    }
  });

  // A permalink followed within the page (#c-ID): ask the threads to show that comment.
  window.addEventListener("hashchange", function () {
    linked = /^#c-(\d+)$/.exec(location.hash);
    if (!linked) return;
    document.querySelectorAll("div[data-site] > .comments-show").forEach(function (button) {
      button.click();
    });
    frames.forEach(function (frame) {
      frame.iframe.contentWindow.postMessage({ type: "widget:show", id: Number(linked[1]) }, base);
    });
  });

  var collapsed = [];
  document.querySelectorAll("div[data-site]").forEach(function (div) {
    if (div.dataset.widgetLoaded) return;  // the loader included twice
    div.dataset.widgetLoaded = "true";
    // A link to a comment opens the thread even when it is collapsed.
    if (div.dataset.collapsed === "true" && !linked) collapsed.push(div);
    else mount(div);
  });
  if (collapsed.length) collapse(collapsed);
})();
