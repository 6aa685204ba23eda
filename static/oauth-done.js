/* The sign-in popup's last page (widget/accounts/oauth_views.py): hand the result to the
   thread that opened this window, on our own origin only (the thread's iframe is ours,
   whatever page embeds it), then close. Without an opener (opened by hand, or the
   provider's page cut the link) the page simply says the reader may close it. */
(function () {
  "use strict";
  var result = document.getElementById("oauth-result");
  var opener = window.opener;
  if (!result || !opener) return;
  try {
    opener.postMessage({ type: "widget:oauth", kind: result.dataset.kind,
                         token: result.dataset.token || "" }, window.location.origin);
  } catch (error) {
    return;  // the opener went elsewhere: nothing to tell
  }
  window.close();
})();
