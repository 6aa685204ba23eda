/* Comment counts for index pages: fills every [data-comments-count="ARTICLE_URL"] with
   "N comments" (and data-count="N"), in one request per site. The site key comes from the
   element's data-comments-site, else this script tag's data-site, else the page's
   div[data-site] comment thread. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var BATCH = 100;           // the service's default WIDGET_COUNTS_MAX_URLS
  var MAX_GET_LENGTH = 2000; // longer queries go in a POST body (request lines are capped)

  function defaultSite() {
    if (script.dataset.site) return script.dataset.site;
    var thread = document.querySelector("div[data-site]");
    return thread ? thread.dataset.site : null;
  }

  function articleUrl(value) {
    if (!value) {
      var canonical = document.querySelector('link[rel="canonical"]');
      return canonical && canonical.href ? canonical.href : location.href.split("#")[0];
    }
    return new URL(value, location.href).href.split("#")[0];
  }

  // "N comments" in every language, put in by the server (widget/embed/loader.py); the
  // language is this script tag's data-lang, else the page's <html lang>, else the browser's.
  var STRINGS = /*LOADER_STRINGS*/{};
  var words = (function () {
    var wanted = [script.dataset.lang, document.documentElement.lang].concat(navigator.languages || []);
    for (var i = 0; i < wanted.length; i++) {
      var language = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
      if (STRINGS[language]) return { language: language, count: STRINGS[language].count };
    }
    return { language: "en", count: (STRINGS.en || {}).count ||
             { one: "%(num)s comment", other: "%(num)s comments" } };
  })();

  function label(count) {
    var category = new Intl.PluralRules(words.language).select(count);
    return (words.count[category] || words.count.other).replace("%(num)s", count);
  }

  function request(site, urls) {
    var query = new URLSearchParams({ site: site });
    urls.forEach(function (url) { query.append("url", url); });
    var endpoint = base + "/api/counts";
    if ((endpoint + query).length <= MAX_GET_LENGTH) {
      return fetch(endpoint + "?" + query, { credentials: "omit" });
    }
    // A form-encoded body keeps it a "simple" cross-origin request: no preflight.
    return fetch(endpoint, { method: "POST", body: query, credentials: "omit" });
  }

  var bySite = {};
  var fallbackSite = defaultSite();
  document.querySelectorAll("[data-comments-count]").forEach(function (el) {
    var site = el.dataset.commentsSite || fallbackSite;
    var url;
    try { url = articleUrl(el.dataset.commentsCount); } catch (error) { return; }
    if (!site || !/^https?:/.test(url)) return;
    var urls = bySite[site] = bySite[site] || {};
    (urls[url] = urls[url] || []).push(el);
  });

  Object.keys(bySite).forEach(function (site) {
    var elementsByUrl = bySite[site];
    var urls = Object.keys(elementsByUrl);
    for (var start = 0; start < urls.length; start += BATCH) {
      request(site, urls.slice(start, start + BATCH))
        .then(function (response) { return response.ok ? response.json() : { counts: {} }; })
        .then(function (body) {
          Object.keys(body.counts).forEach(function (url) {
            (elementsByUrl[url] || []).forEach(function (el) {
              el.textContent = label(body.counts[url]);
              el.dataset.count = body.counts[url];
            });
          });
        })
        .catch(function () { /* counts are decoration: leave the elements as they are */ });
    }
  });
})();
