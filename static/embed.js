/* Comment loader: one iframe per div[data-site], sized to its content. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var frames = [];

  function articleUrl(div) {
    if (div.dataset.url) return new URL(div.dataset.url, location.href).href;
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) return canonical.href;
    return location.href.split("#")[0];
  }

  function threadSrc(div) {
    var query = new URLSearchParams({ url: articleUrl(div), origin: location.origin });
    var title = div.dataset.title || document.title;
    if (title) query.set("title", title);
    return base + "/t/" + encodeURIComponent(div.dataset.site) + "?" + query;
  }

  function mount(div) {
    var iframe = document.createElement("iframe");
    iframe.src = threadSrc(div);
    iframe.title = "Comments";
    iframe.setAttribute("scrolling", "no");
    iframe.style.cssText = "width:100%;border:0;height:400px;display:block;color-scheme:normal";
    div.appendChild(iframe);
    frames.push(iframe);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== base || !event.data || event.data.type !== "widget:height") return;
    frames.forEach(function (iframe) {
      if (iframe.contentWindow !== event.source) return;
      var height = Math.max(100, Math.min(Number(event.data.height) || 0, 100000));
      iframe.style.height = height + "px";
    });
  });

  document.querySelectorAll("div[data-site]").forEach(mount);
})();
