/* Thread page enhancement: inline replies without a reload, its height and links for the
   loader, "Copy link". The page works without this script; it only makes it smoother. */
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (!thread) return;
  // Set only when embed.js made this iframe (and the site allows its origin): the one
  // window we talk to. A plain iframe has none, sends nothing and scrolls inside.
  var parentOrigin = thread.dataset.parentOrigin;
  var embedded = Boolean(parentOrigin) && window.parent !== window;
  var mainForm = document.getElementById("reply-form");
  var language = document.documentElement.lang || "en";
  // What this script says, in the page's language (widget/i18n.py, thread_script_strings).
  var strings = JSON.parse(document.getElementById("widget-strings").textContent);

  function format(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function countLabel(count) {
    // "No comments yet" would be wrong above the reader's own comment awaiting moderation.
    if (count === 0 && !thread.querySelector(".comment-list article.comment")) return strings.noComments;
    var category = new Intl.PluralRules(language).select(count);
    var message = strings.count[category] || strings.count.other;
    return format(message, { num: count });
  }

  // Polite announcements for screen readers (the page's role="status" region).
  function announce(message) {
    var status = document.getElementById("thread-status");
    if (!status) return;
    status.textContent = "";
    setTimeout(function () { status.textContent = message; }, 50);
  }

  /* ---- Talking to the loader ---- */

  function tellParent(message) {
    if (embedded) window.parent.postMessage(message, parentOrigin);
  }

  var reportedHeight = 0;
  // Measured synchronously, never in requestAnimationFrame: Chromium does not run frames
  // for an off-screen cross-origin iframe, and the thread usually starts below the fold.
  function reportHeight() {
    if (!embedded) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === reportedHeight) return;
    reportedHeight = height;
    tellParent({ type: "widget:height", height: height });
  }

  function showComment(id) {
    var article = document.getElementById("c-" + id);
    if (!article) return;
    article.dispatchEvent(new CustomEvent("widget:reveal", { bubbles: true }));  // open hidden sub-threads
    thread.querySelectorAll(".comment-highlight").forEach(function (el) {
      el.classList.remove("comment-highlight");
    });
    article.classList.add("comment-highlight");
    if (!embedded) return;
    reportHeight();  // the loader must size the frame before it can scroll to the comment
    var top = article.getBoundingClientRect().top + window.pageYOffset;
    tellParent({ type: "widget:scroll", top: Math.round(top) });
  }

  window.addEventListener("message", function (event) {
    if (!embedded || event.origin !== parentOrigin || event.source !== window.parent) return;
    var data = event.data;
    if (data && data.type === "widget:show") showComment(Number(data.id));
    if (data && data.type === "widget:identity") whoAmI(data);
  });

  /* ---- Signed-in commenters (widget/accounts/) ---- */

  // The commenter token: from the loader (the host page's storage) or a sign-in; sent
  // with every POST of this page, in a field, never in a URL.
  var accountToken = "";

  function formToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function postFields(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    return fetch(url, { method: "POST", body: body, headers: { Accept: "application/json" },
                        credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, body: json }; });
      });
  }

  function keepAccountToken(token) {
    accountToken = token || "";
    thread.querySelectorAll("form[method=post]").forEach(function (form) {
      var field = form.elements.account_token;
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "account_token";
        form.appendChild(field);
      }
      field.value = accountToken;
    });
    thread.dispatchEvent(new CustomEvent("widget:account", { detail: accountToken }));
    tellParent({ type: "widget:account", token: accountToken });
  }

  function showViewer(body) {
    var holder = document.createElement("div");
    holder.innerHTML = body.html;
    document.getElementById("account-bar").replaceWith(holder.firstElementChild);
    thread.querySelectorAll(".comment-identity").forEach(function (box) {
      var line = document.createElement("p");
      line.className = "commenting-as";
      line.dir = "auto";
      line.textContent = body.commenting_as;
      box.replaceChildren(line);
    });
    thread.querySelectorAll(".comment-form .form-hint, .comment-form .remember-me")
      .forEach(function (element) { element.remove(); });
    keepAccountToken(body.token);
    thread.dispatchEvent(new CustomEvent("widget:viewer", { detail: body }));
    reportHeight();
  }

  // Ways to sign in that only the loader knows of: the host site's own login page.
  function offerSignIn(identity) {
    var choices = thread.querySelector(".sign-in-choices");
    if (!choices || !identity.hostSignIn || choices.querySelector(".sign-in-host")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary sign-in-host";
    button.textContent = strings.signIn;
    button.addEventListener("click", function () { tellParent({ type: "widget:host-sign-in" }); });
    choices.appendChild(button);
    choices.hidden = false;
    reportHeight();
  }

  function whoAmI(identity) {
    var fields = { csrf_token: formToken() };
    if (identity.account) fields.account_token = identity.account;
    if (typeof identity.sso === "string") fields.sso = identity.sso;
    if (!identity.account && !identity.sso) { offerSignIn(identity); return; }
    postFields(thread.dataset.accountUrl, fields).then(function (result) {
      if (result.body.signed_in) { showViewer(result.body); return; }
      if (identity.account) keepAccountToken("");  // revoked, banned or signed out
      offerSignIn(identity);
    }).catch(function () { offerSignIn(identity); });
  }

  function accountAction(form) {
    postFields(form.action, Object.fromEntries(new FormData(form))).then(function (result) {
      if (!result.ok) { announce(result.body.message || strings.networkError); return; }
      keepAccountToken("");
      if (result.body.host_sign_out) tellParent({ type: "widget:host-sign-out" });
      else window.location.reload();
    }).catch(function () { announce(strings.networkError); });
  }

  /* ---- Sign in with a provider (widget/accounts/oauth_views.py) ---- */

  // The provider's pages run in a popup on our origin, first-party there, so its cookie
  // keeps the sign-in's state; the popup hands the result back by postMessage to this
  // origin only, and the thread shows the viewer without reloading the article.
  var signInWindow = null;

  function popupBlocked(holder) {
    var note = holder.querySelector(".sign-in-blocked");
    if (!note) {
      note = document.createElement("p");
      note.className = "sign-in-blocked form-error";
      note.setAttribute("role", "alert");
      holder.appendChild(note);
    }
    note.textContent = holder.dataset.popupBlocked;
    reportHeight();
  }

  function openSignInWindow(url, holder) {
    signInWindow = window.open(url, "widget-sign-in", "popup,width=520,height=700");
    if (!signInWindow) popupBlocked(holder);
    return signInWindow;
  }

  function popupUrl(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("mode", "popup");
    url.searchParams.delete("return");
    return url.href;
  }

  function addProvider(button) {
    // Opened at once (a window opened after the request would count as a pop-up the
    // reader did not ask for), then sent to the start URL the request returns.
    var popup = openSignInWindow("about:blank", button.closest(".account-identities"));
    if (!popup) return;
    postFields(button.dataset.linkUrl, { csrf_token: formToken(), account_token: accountToken })
      .then(function (result) {
        if (!result.ok) { popup.close(); announce(result.body.message || strings.failed); return; }
        popup.location.href = result.body.start_url;
      }).catch(function () { popup.close(); announce(strings.serverUnreachable); });
  }

  thread.addEventListener("click", function (event) {
    var link = event.target.closest("a.sign-in-provider");
    if (link) {
      event.preventDefault();
      openSignInWindow(popupUrl(link.href), link.closest(".sign-in-providers"));
      return;
    }
    var add = event.target.closest("button.account-identity-add");
    if (add) addProvider(add);
  });

  thread.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-identity-remove")) return;
    event.preventDefault();
    postFields(form.action, Object.fromEntries(new FormData(form))).then(function (result) {
      if (!result.ok) { announce(result.body.message || strings.failed); return; }
      showViewer(result.body);
    }).catch(function () { announce(strings.serverUnreachable); });
  });

  // Adding a provider needs scripts: its buttons show once a viewer is shown.
  thread.addEventListener("widget:account", function () {
    thread.querySelectorAll("button.account-identity-add").forEach(function (button) {
      button.hidden = false;
    });
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || !signInWindow
        || event.source !== signInWindow) return;
    var data = event.data;
    if (!data || data.type !== "widget:oauth") return;
    signInWindow = null;
    var token = data.kind === "signed-in" ? data.token : accountToken;
    postFields(thread.dataset.accountUrl, { csrf_token: formToken(), account_token: token })
      .then(function (result) { if (result.body.signed_in) showViewer(result.body); })
      .catch(function () { announce(strings.serverUnreachable); });
  });

  // The viewer's own comments, named by a signed token (see widget/embed/own.py): forms
  // send it back with the next post; the loader keeps it in the host page's storage.
  function keepOwnToken(token) {
    thread.querySelectorAll("form.comment-form").forEach(function (form) {
      var action = new URL(form.action);
      action.searchParams.set("own", token);
      form.action = action.href;
    });
    tellParent({ type: "widget:own", token: token });
  }

  /* ---- Sign in with email (widget/accounts/email_views.py) ---- */

  // Each step answers with the form to show next (the code form once a code is on its
  // way, or the same form with errors beside its fields); the right code answers like
  // whoAmI, with the commenter token that showViewer hands to the loader.
  function showEmailSignInProblem(form, message) {
    var alert = form.querySelector(".form-error") || document.createElement("div");
    alert.className = "form-error";
    alert.setAttribute("role", "alert");
    alert.textContent = message;
    form.querySelector("h2").insertAdjacentElement("afterend", alert);
    reportHeight();
  }

  function emailSignIn(form) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    postFields(form.action, Object.fromEntries(new FormData(form))).then(function (result) {
      if (result.body.signed_in) {
        showViewer(result.body);
        announce(result.body.commenting_as);
        return;
      }
      if (!result.body.html) {
        button.disabled = false;
        showEmailSignInProblem(form, result.body.message || strings.networkError);
        return;
      }
      var holder = document.createElement("div");
      holder.innerHTML = result.body.html;
      var next = holder.querySelector("form");
      form.replaceWith(next);
      var field = next.querySelector("[aria-invalid=true]") || next.querySelector("input:not([type=hidden])");
      if (field) field.focus();
      announce(result.body.message);
      reportHeight();
    }).catch(function () {
      button.disabled = false;
      showEmailSignInProblem(form, strings.networkError);
    });
  }

  thread.addEventListener("submit", function (event) {
    if (!event.target.classList.contains("sign-in-email-form")) return;
    event.preventDefault();
    emailSignIn(event.target);
  });

  /* ---- Posting inline ---- */

  // Errors look and sound as on the page without scripts: the field's border turns the
  // error colour (.field-invalid, aria-invalid), the message is tied to the field
  // (aria-describedby, keeping its hint), focus moves to the first field to fix and the
  // page's live region says what went wrong. An empty errors object clears them.
  function withoutError(field) {
    return (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== field.id + "-error";
    }).join(" ");
  }

  function showErrors(form, body) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var hint = withoutError(el);
      if (hint) el.setAttribute("aria-describedby", hint); else el.removeAttribute("aria-describedby");
    });
    form.querySelectorAll(".field-invalid").forEach(function (el) { el.classList.remove("field-invalid"); });
    var general = [];
    var invalid = [];
    var messages = [];
    Object.keys(body.errors || {}).forEach(function (name) {
      var field = form.elements[name];
      var text = body.errors[name].join(" ");
      if (!field || field.type === "hidden" || !field.id) { general.push(text); return; }
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = field.id + "-error";
      note.textContent = text;
      var hint = withoutError(field);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", (note.id + " " + hint).trim());
      field.insertAdjacentElement("afterend", note);
      if (field.closest(".field")) field.closest(".field").classList.add("field-invalid");
      invalid.push(field);
      messages.push(text);
    });
    var alert = null;
    if (general.length || !body.errors) {
      alert = document.createElement("div");
      alert.className = "form-error";
      alert.setAttribute("role", "alert");
      alert.setAttribute("tabindex", "-1");
      alert.textContent = general.join(" ") || body.message || strings.notPosted;
      form.querySelector("h2").insertAdjacentElement("afterend", alert);
    }
    // The first field in the form's order, as a reader would meet it.
    invalid.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    if (invalid.length) {
      invalid[0].focus();
      announce([strings.notPosted].concat(messages).join(" "));
    } else if (alert) {
      alert.focus();
    }
    reportHeight();
  }

  function insertComment(form, html) {
    var parentId = form.elements.parent.value;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var article = holder.firstElementChild;
    var list;
    if (parentId) {
      var parent = document.getElementById("c-" + parentId);
      list = parent.querySelector(":scope > .comment-replies");
      if (!list) {
        list = document.createElement("div");
        list.className = "comment-replies";
        parent.appendChild(list);
      }
    } else {
      list = thread.querySelector(".comment-list");
    }
    list.appendChild(article);
    enhance(article);
    return article;
  }

  /* ---- identicons: drawn here from the digest in the address of the page's image for
     readers without scripts, exactly as avatars.py draws /avatar/<digest>.svg, so a
     thread costs no request per avatar ---- */
  var SVG = "http://www.w3.org/2000/svg";
  function svgElement(name, attributes) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    return element;
  }

  function drawAvatars(root) {
    root.querySelectorAll(".comment-avatar:not(.drawn)").forEach(function (box) {
      // innerHTML: the <noscript> is text here, or an <img> in a DOMParser document.
      var found = /\/avatar\/([0-9a-f]+)\.svg/.exec(box.innerHTML);
      if (!found) return;
      var digest = found[1];
      var bits = parseInt(digest.slice(-4), 16);  // the low 15 bits choose the cells
      var hue = parseInt(digest.slice(-6, -3), 16) % 360;
      var svg = svgElement("svg", { viewBox: "-1 -1 7 7", "aria-hidden": "true" });
      svg.appendChild(svgElement("rect", { x: -1, y: -1, width: 7, height: 7,
                                           fill: "hsl(" + hue + ", 45%, 92%)" }));
      var cells = svgElement("g", { fill: "hsl(" + hue + ", 55%, 45%)" });
      for (var row = 0; row < 5; row++) {
        for (var column = 0; column < 3; column++) {
          if (!((bits >> (row * 3 + column)) & 1)) continue;
          cells.appendChild(svgElement("rect", { x: column, y: row, width: 1, height: 1 }));
          if (column !== 2) cells.appendChild(svgElement("rect", { x: 4 - column, y: row, width: 1, height: 1 }));
        }
      }
      svg.appendChild(cells);
      box.replaceChildren(svg);
      box.classList.add("drawn");
      box.dataset.avatar = digest;  // what it was drawn from, for site scripts and tests
    });
  }

  /* ---- big threads: the next page of top-level comments, appended in place ---- */
  function loadMore(link) {
    var block = link.closest(".load-more");
    link.setAttribute("aria-disabled", "true");
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      var list = thread.querySelector(".comment-list");
      var added = [];
      next.querySelectorAll(".comment-list > .comment").forEach(function (article) {
        if (document.getElementById(article.id)) return;  // already here (posted meanwhile)
        added.push(list.appendChild(document.importNode(article, true)));
      });
      var nextBlock = next.querySelector(".load-more");
      if (nextBlock) block.replaceWith(document.importNode(nextBlock, true));
      else block.remove();
      added.forEach(enhance);
      thread.dispatchEvent(new CustomEvent("widget:comments-added", { detail: added }));
      announce(strings.moreShown);
      var first = added[0] && permalink(added[0]);
      if (first) first.focus();
      reportHeight();
    }).catch(function () {
      link.removeAttribute("aria-disabled");
      announce(strings.serverUnreachable);
    });
  }

  function submit(event) {
    var form = event.target;
    if (form.classList.contains("account-action")) {
      event.preventDefault();
      accountAction(form);
      return;
    }
    if (!form.classList.contains("comment-form")) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    privateToken().then(function () {
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { showErrors(form, result.body); return; }
      var article = insertComment(form, result.body.html);
      if (result.body.own) keepOwnToken(result.body.own);
      thread.dispatchEvent(new CustomEvent("widget:posted", {
        detail: { form: form, article: article, response: result.body }
      }));
      form.elements.text.value = "";
      showErrors(form, { errors: {} });
      if (form.elements.parent.value) closeReply(form);
      updateCount(result.body.status === "approved" ? 1 : 0);
      article.setAttribute("tabindex", "-1");
      article.focus();
      announce(result.body.status === "approved" ? strings.posted : strings.pending);
    }).catch(function () {
      showErrors(form, { message: strings.networkError });
    }).then(function () {
      button.disabled = false;
      reportHeight();
    });
  }

  // A page from a shared cache holds the form token every reader got (data-token-url):
  // get one of the reader's own once, when the form is first used (embed/views.py).
  var tokenFetched;
  function privateToken() {
    var url = thread.dataset.tokenUrl;
    tokenFetched = tokenFetched || (url ? fetch(url, { method: "POST", credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.token) throw new Error();
        document.querySelectorAll("input[name=csrf_token]").forEach(function (field) { field.value = body.token; });
      }).catch(function () { tokenFetched = null; }) : Promise.resolve());
    return tokenFetched;
  }
  thread.addEventListener("focusin", function (event) {
    if (event.target.closest(".comment-form")) privateToken();
  });

  function updateCount(delta) {
    var heading = thread.querySelector(".thread-count");
    var count = (parseInt(heading.dataset.count, 10) || 0) + delta;
    heading.dataset.count = count;
    heading.textContent = countLabel(count);
  }

  function openReply(button) {
    var id = button.value;
    var article = document.getElementById("c-" + id);
    var existing = article.querySelector(":scope > .comment-form");
    if (existing) { existing.elements.text.focus(); return; }
    var form = mainForm.cloneNode(true);
    form.id = "";
    form.elements.parent.value = id;
    form.elements.text.value = "";
    form.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-" + id; });
    form.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor + "-" + id;
    });
    form.querySelectorAll(".field-error, .form-error").forEach(function (el) { el.remove(); });
    var author = article.querySelector(".comment-author");
    form.querySelector("h2").textContent = author
      ? format(strings.replyTo, { name: author.textContent }) : strings.replyToDeleted;
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "form-cancel";
    cancel.textContent = strings.cancel;
    cancel.addEventListener("click", function () { closeReply(form); button.focus(); });
    form.querySelector(".form-actions").appendChild(cancel);
    button.parentNode.insertAdjacentElement("afterend", form);
    form.elements.text.focus();
    reportHeight();
  }

  function closeReply(form) {
    form.remove();
    reportHeight();
  }

  /* ---- permalinks: the date links to #c-ID in this page; here it leads to the article
     page with #c-ID (the loader scrolls that to the comment), in the top window ---- */
  var articleUrl = thread.dataset.articleUrl;

  function permalink(article) {
    var time = article.querySelector(":scope > header time");
    return time && time.parentNode;
  }

  function pointPermalinks(root) {
    root.querySelectorAll(".comment > header > a > time").forEach(function (time) {
      var link = time.parentNode;
      var hash = link.getAttribute("href");
      if (!articleUrl || hash.charAt(0) !== "#") return;
      link.href = articleUrl + hash;
      link.target = "_top";
      link.title = strings.linkToComment;
    });
  }

  /* ---- "Copy link": the permalink of the article page with #c-ID ---- */

  // Without the clipboard API there is no button: the date stays a plain link to copy.
  function addCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll(".comment > footer").forEach(function (actions) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comment-copy";
      button.textContent = strings.copyLink;
      actions.appendChild(button);
    });
  }

  function copyLink(button) {
    var link = permalink(button.closest(".comment")).href;
    navigator.clipboard.writeText(link).then(function () {
      button.textContent = strings.linkCopied;
      setTimeout(function () { button.textContent = strings.copyLink; }, 2000);
    }, function () {
      // Refused (e.g. a frame without clipboard permission): offer the link to copy by hand.
      var field = button.parentNode.querySelector(".comment-link-field");
      if (!field) {
        field = document.createElement("input");
        field.className = "comment-link-field";
        field.readOnly = true;
        field.setAttribute("aria-label", strings.linkToComment);
        button.insertAdjacentElement("afterend", field);
      }
      field.value = link;
      field.select();
      reportHeight();
    });
  }

  thread.addEventListener("submit", submit);
  thread.addEventListener("click", function (event) {
    var copy = event.target.closest("button.comment-copy");
    if (copy) { copyLink(copy); return; }
    var more = event.target.closest("a.load-more-link");
    if (more) { event.preventDefault(); loadMore(more); return; }
    var button = event.target.closest(".comment > footer > button[name=reply]");
    if (!button || !mainForm) return;
    event.preventDefault();
    openReply(button);
  });

  // What every comment gets, on the page and when added later (posted, loaded, edited).
  function enhance(root) {
    pointPermalinks(root);
    addCopyButtons(root);
    drawAvatars(root);
  }
  thread.addEventListener("widget:enhance", function (event) { enhance(event.target); });
  enhance(thread);
  if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener("resize", reportHeight);
  window.addEventListener("load", reportHeight);
  reportHeight();
  var linked = /^#c-(\d+)$/.exec(location.hash);
  if (linked) showComment(linked[1]);
})();

/* ------------------------------------------------------------------------------------
   Commenter features: remember me, own comments (edit/delete), likes, sorting, times.
   Everything per reader lives in this iframe's localStorage (our origin, never the
   embedding site's) and is added here, so the server's comment markup stays the same
   for every reader (and cacheable). */
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (!thread || !thread.dataset.threadPath) return;
  var threadPath = thread.dataset.threadPath;
  // The page's words (the JSON block of widget/i18n.py), as in the part above.
  var language = document.documentElement.lang || "en";
  var strings = JSON.parse(document.getElementById("widget-strings").textContent);

  var articleUrl = thread.dataset.url;

  /* ---- storage: JSON in localStorage; where a browser denies it to a cross-site frame,
     a map that lasts for this page view, so that what was just posted can still be
     changed ---- */
  var memory = {};
  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem("widget:" + key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return key in memory ? JSON.parse(memory[key]) : fallback;
    }
  }
  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem("widget:" + key);
      else window.localStorage.setItem("widget:" + key, JSON.stringify(value));
    } catch (error) {
      if (value === null) delete memory[key];
      else memory[key] = JSON.stringify(value);
    }
  }

  function formToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // The article, and the loader's signed list of the viewer's comments when it gave one
  // (embed/own.py): where this frame keeps no storage, that list vouches for them.
  function actionUrl(path) {
    var query = new URLSearchParams({ url: articleUrl });
    var own = new URLSearchParams(window.location.search).get("own");
    if (own) query.set("own", own);
    return threadPath + path + "?" + query.toString();
  }

  // The signed-in commenter's token (the part above keeps it): their comments are theirs
  // to change from any browser where they are signed in.
  var accountToken = "";
  thread.addEventListener("widget:account", function (event) { accountToken = event.detail; });

  function send(url, fields, extraHeaders) {
    var body = new FormData();
    Object.keys(fields || {}).forEach(function (name) { body.append(name, fields[name]); });
    var headers = Object.assign({ Accept: "application/json" }, extraHeaders || {});
    if (accountToken) headers["X-Widget-Account"] = accountToken;
    return fetch(url, { method: fields ? "POST" : "GET", body: fields ? body : undefined,
                        headers: headers, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, body: json }; });
      });
  }

  function resized() { window.dispatchEvent(new Event("resize")); }

  /* ---- remember me: name, email, website and the notification choice ---- */
  var REMEMBERED = ["name", "email", "website"];

  function fillRemembered(form) {
    if (!form.elements.name) return;  // signed in: the account says who is writing
    var me = load("me", null);
    if (!form.querySelector(".remember-me")) addRememberBox(form, !!me || !load("forget", false));
    if (!me) return;
    REMEMBERED.forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.value && me[name]) field.value = me[name];
    });
    if (form.elements.notify && me.notify) form.elements.notify.checked = true;
  }

  function addRememberBox(form, checked) {
    var actions = form.querySelector(".form-actions");
    if (!actions) return;
    var box = document.createElement("div");
    box.className = "field field-check remember-me";
    var input = document.createElement("input");
    input.type = "checkbox";
    input.id = "remember-" + Math.random().toString(36).slice(2);
    input.checked = checked;
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = strings.rememberMe;
    box.appendChild(input);
    box.appendChild(label);
    actions.insertAdjacentElement("beforebegin", box);
  }

  function rememberFrom(form) {
    if (!form.elements.name) return;  // posted signed in: nothing typed to remember
    var box = form.querySelector(".remember-me input");
    if (box && !box.checked) { save("me", null); save("forget", true); return; }
    var me = {};
    REMEMBERED.forEach(function (name) {
      if (form.elements[name]) me[name] = form.elements[name].value.trim();
    });
    if (form.elements.notify) me.notify = form.elements.notify.checked;
    save("me", me);
    save("forget", null);
  }

  /* ---- own comments: tokens from the POST answer, controls while the window lasts ---- */
  function ownTokens() {
    var tokens = load("edit", {});
    var now = Date.now();
    Object.keys(tokens).forEach(function (id) {
      if (Date.parse(tokens[id].until) <= now) delete tokens[id];
    });
    return tokens;
  }

  function keepEditToken(id, token, until) {
    var tokens = ownTokens();
    tokens[id] = { token: token, until: until };
    save("edit", tokens);
  }

  function showNote(article, message) {
    var note = article.querySelector(":scope > .own-error") || document.createElement("p");
    note.className = "form-error own-error";
    note.setAttribute("role", "alert");
    note.textContent = message || strings.failed;
    article.querySelector(":scope > footer").insertAdjacentElement("afterend", note);
    resized();
  }

  /* ---- own comments' Edit and Delete, the signed-in commenter's controls, the account
     menu's panel and the preview: in thread-own.js, fetched on first need (most readers
     have no comment of their own here, never open the menu and never preview),
     prefetched when the reader starts writing or points at the account menu, so that
     nobody waits for it ---- */
  window.widgetThread = {  // what thread-own.js uses of this part
    thread: thread, strings: strings, language: language, send: send, actionUrl: actionUrl,
    formToken: formToken, resized: resized, showNote: showNote, relativeTimes: relativeTimes,
    accountToken: function () { return accountToken; }
  };
  var ownPartLoaded = null;
  function ownPart() {
    ownPartLoaded = ownPartLoaded || new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = thread.dataset.ownScript;
      script.onload = function () { resolve(window.widgetOwn); };
      script.onerror = function () { ownPartLoaded = null; script.remove(); reject(new Error("thread-own.js")); };
      document.head.appendChild(script);
    });
    return ownPartLoaded;
  }
  // `use` once the part is here; `fallback` (the page's own way, without scripts) if it
  // cannot be fetched.
  function withOwnPart(use, fallback) {
    ownPart().then(use, fallback || function () {});
  }
  ["pointerover", "focusin"].forEach(function (type) {
    thread.addEventListener(type, function (event) {
      if (event.target.closest(".account-menu, .comment-form")) ownPart().catch(function () {});
    });
  });

  var accountComments = {};  // the signed-in commenter's: comment id: until when it may be edited
  function hasAccountComments() { return Object.keys(accountComments).length > 0; }

  thread.addEventListener("widget:viewer", function (event) {
    accountComments = {};
    (event.detail.own_comments || []).forEach(function (own) {
      accountComments[own.id] = own.editable_until;
    });
    if (hasAccountComments()) {
      withOwnPart(function (own) { own.addAccountControls(thread.querySelectorAll(".comment"), accountComments); });
    }
    var older = thread.querySelector(".account-own-notice");  // the no-script list
    if (older) older.remove();
    resized();
  });
  thread.addEventListener("widget:comments-added", function (event) {
    if (!hasAccountComments()) return;
    withOwnPart(function (own) {
      event.detail.forEach(function (article) {
        own.addAccountControls([article].concat(Array.prototype.slice.call(article.querySelectorAll(".comment"))),
                               accountComments);
      });
    });
  });
  thread.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("account-download")) return;
    event.preventDefault();
    withOwnPart(function (own) { own.downloadData(form); }, function () { form.submit(); });
  });

  thread.addEventListener("click", function (event) {
    var panelLink = event.target.closest("a.account-panel-link");
    if (panelLink) {
      event.preventDefault();
      withOwnPart(function (own) { own.openPanel(panelLink); },
                  function () { window.location.href = panelLink.href; });
      return;
    }
    if (!event.target.closest("#account-panel a.account-panel-close")) return;
    event.preventDefault();
    withOwnPart(function (own) { own.closePanel(); });
  });

  /* ---- likes: a random per-browser token names the visitor; liked ids kept here ---- */
  function visitorToken() {
    var token = load("visitor", null);
    if (!token) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      token = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      save("visitor", token);
    }
    return token;
  }

  function showLiked(button, liked) {
    button.setAttribute("aria-pressed", liked ? "true" : "false");
    button.firstChild.textContent = (liked ? strings.liked : strings.like) + " ";
  }

  var LIKE_BUTTONS = ".comment > footer > button[name=comment]";

  function markLikes(root) {
    var liked = load("liked", []);
    root.querySelectorAll(LIKE_BUTTONS).forEach(function (button) {
      showLiked(button, liked.indexOf(button.value) !== -1);
    });
  }

  function toggleLike(button) {
    var likeForm = document.getElementById("lf");
    var liked = load("liked", []);
    var wasLiked = liked.indexOf(button.value) !== -1;
    button.disabled = true;
    send(likeForm.getAttribute("action"), {  // not .action: an input has that name
      csrf_token: likeForm.elements.csrf_token.value, comment: button.value,
      action: wasLiked ? "unlike" : "like", visitor: visitorToken()
    }).then(function (result) {
      if (!result.ok) { showNote(button.closest(".comment"), result.body.message); return; }
      button.querySelector("span").textContent = result.body.count;
      liked = load("liked", []).filter(function (id) { return id !== button.value; });
      if (result.body.liked) liked.push(button.value);
      save("liked", liked.slice(-500));
      showLiked(button, result.body.liked);
    }).catch(function () {
      showNote(button.closest(".comment"), strings.serverUnreachable);
    }).then(function () { button.disabled = false; });
  }

  /* ---- sorting: the reader's last choice, applied when the URL names none ---- */
  function applySortPreference() {
    var chosen = load("sort", null);
    var params = new URLSearchParams(window.location.search);
    var offered = thread.querySelector('.thread-sort a[data-sort="' + chosen + '"]');
    if (!chosen || params.has("sort") || !offered || chosen === thread.dataset.sort) return false;
    params.set("sort", chosen);
    window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
    return true;
  }

  /* ---- relative times: "3 hours ago", the exact local time on hover ---- */
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
               ["hour", 3600], ["minute", 60]];

  function relativeTimes(root) {
    if (!window.Intl || !Intl.RelativeTimeFormat) return;
    var format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    root.querySelectorAll(".comment > header time[datetime]").forEach(function (time) {
      var moment = new Date(time.getAttribute("datetime"));
      if (isNaN(moment)) return;
      var seconds = (moment.getTime() - Date.now()) / 1000;
      var text = strings.justNow;
      for (var i = 0; i < UNITS.length; i++) {
        if (Math.abs(seconds) >= UNITS[i][1]) {
          text = format.format(Math.round(seconds / UNITS[i][1]), UNITS[i][0]);
          break;
        }
      }
      time.textContent = text;
      time.title = moment.toLocaleString();
    });
  }

  /* ---- wiring ---- */
  if (applySortPreference()) return;
  thread.querySelectorAll(".thread-sort a[data-sort]").forEach(function (link) {
    link.addEventListener("click", function () { save("sort", link.dataset.sort); });
  });

  document.querySelectorAll("form.comment-form").forEach(fillRemembered);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        if (node.matches("form.comment-form")) fillRemembered(node);
      });
    });
  }).observe(thread, { childList: true, subtree: true });

  var tokens = ownTokens();
  save("edit", tokens);
  // The server lists the viewer's changeable comments it knows of (by the session or the
  // loader's list) in .own-notice; those without a token here are changed on its word.
  thread.querySelectorAll(".own-notice [data-own-comment]").forEach(function (notice) {
    var id = notice.dataset.ownComment;
    var until = notice.querySelector("time[datetime]");
    if (!tokens[id] && until) tokens[id] = { token: "", until: until.getAttribute("datetime") };
  });
  function addOwnControlsWithin(comments) {
    comments.forEach(function (comment) {
      var entry = tokens[comment.id.slice(2)];
      if (entry && !comment.classList.contains("comment-deleted")) {
        withOwnPart(function (own) { own.addOwnControls(comment, entry); });
      }
    });
  }
  addOwnControlsWithin(thread.querySelectorAll(".comment"));

  thread.addEventListener("widget:posted", function (event) {
    var detail = event.detail;
    rememberFrom(detail.form);
    if (detail.response.edit_token) {
      keepEditToken(String(detail.response.id), detail.response.edit_token,
                   detail.response.editable_until);
      var entry = ownTokens()[String(detail.response.id)];
      withOwnPart(function (own) { own.addOwnControls(detail.article, entry); });
    }
    markLikes(detail.article);
    relativeTimes(detail.article);
  });

  thread.addEventListener("widget:comments-added", function (event) {
    event.detail.forEach(function (article) {
      markLikes(article);
      relativeTimes(article);
      addOwnControlsWithin([article].concat(Array.prototype.slice.call(article.querySelectorAll(".comment"))));
    });
  });

  thread.addEventListener("click", function (event) {
    var preview = event.target.closest("button.form-preview");
    if (preview) {
      event.preventDefault();
      withOwnPart(function (own) { own.showPreview(preview); });
      return;
    }
    var button = event.target.closest(LIKE_BUTTONS);
    if (!button || !document.getElementById("lf")) return;
    event.preventDefault();
    toggleLike(button);
  });

  markLikes(thread);
  relativeTimes(thread);
  window.setInterval(function () { relativeTimes(thread); }, 60000);
})();

/* ------------------------------------------------------------------------------------
   Collapsing sub-threads: a "Hide replies" button before each comment's replies; hidden,
   it says how many there are ("Show 6 more replies"). Without this script every reply is
   simply shown. A permalink to a hidden reply opens the sub-threads around it. */
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (!thread) return;
  var language = document.documentElement.lang || "en";
  var strings = JSON.parse(document.getElementById("widget-strings").textContent);
  var made = 0;

  function showLabel(count) {
    var forms = strings.showReplies || {};
    var message = forms[new Intl.PluralRules(language).select(count)] || forms.other || "%(num)s";
    return message.replace("%(num)s", count);
  }

  function label(button, replies) {
    var expanded = !replies.hidden;
    button.setAttribute("aria-expanded", String(expanded));
    button.textContent = expanded ? strings.hideReplies
      : showLabel(replies.querySelectorAll("article.comment").length);
  }

  function addToggles(root) {
    root.querySelectorAll(".comment-replies").forEach(function (replies) {
      if (replies.hasAttribute("data-toggle")) return;
      replies.setAttribute("data-toggle", "");
      if (!replies.id) replies.id = "replies-" + (++made);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "replies-toggle";
      button.setAttribute("aria-controls", replies.id);
      replies.insertAdjacentElement("beforebegin", button);
      label(button, replies);
    });
  }

  thread.addEventListener("click", function (event) {
    var button = event.target.closest("button.replies-toggle");
    if (!button) return;
    var replies = document.getElementById(button.getAttribute("aria-controls"));
    replies.hidden = !replies.hidden;
    label(button, replies);
    window.dispatchEvent(new Event("resize"));  // the loader resizes the frame
  });

  // Replies posted inline or loaded with "more comments" get their button too.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        if (node.classList.contains("comment-replies")) addToggles(node.parentElement);
        else addToggles(node);
      });
    });
  }).observe(thread, { childList: true, subtree: true });

  thread.addEventListener("widget:reveal", function (event) {
    for (var el = event.target.parentElement; el && el !== thread; el = el.parentElement) {
      if (el.classList.contains("comment-replies") && el.hidden) {
        el.hidden = false;
        var button = thread.querySelector('[aria-controls="' + el.id + '"]');
        if (button) label(button, el);
      }
    }
  });

  addToggles(thread);
})();
