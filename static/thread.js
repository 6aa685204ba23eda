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

  /* ---- Posting inline ---- */

  function showErrors(form, body) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var general = [];
    Object.keys(body.errors || {}).forEach(function (name) {
      var field = form.elements[name];
      var text = body.errors[name].join(" ");
      if (!field || field.type === "hidden") { general.push(text); return; }
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = field.id + "-error";
      note.textContent = text;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", note.id);
      field.insertAdjacentElement("afterend", note);
    });
    if (general.length || !body.errors) {
      var alert = document.createElement("div");
      alert.className = "form-error";
      alert.setAttribute("role", "alert");
      alert.textContent = general.join(" ") || body.message || "The comment was not posted.";
      form.querySelector("h2").insertAdjacentElement("afterend", alert);
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
    addCopyButtons(article);
    return article;
  }

  function submit(event) {
    var form = event.target;
    if (!form.classList.contains("comment-form")) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) { showErrors(form, result.body); return; }
      var article = insertComment(form, result.body.html);
      if (result.body.own) keepOwnToken(result.body.own);
      form.elements.text.value = "";
      showErrors(form, { errors: {} });
      if (form.elements.parent.value) closeReply(form);
      updateCount(result.body.status === "approved" ? 1 : 0);
      article.setAttribute("tabindex", "-1");
      article.focus();
    }).catch(function () {
      showErrors(form, { message: "The comment could not be sent. Check your connection and try again." });
    }).then(function () {
      button.disabled = false;
      reportHeight();
    });
  }

  function updateCount(delta) {
    var heading = thread.querySelector(".thread-count");
    var count = (parseInt(heading.dataset.count, 10) || 0) + delta;
    heading.dataset.count = count;
    heading.textContent = count === 0 ? "No comments yet" : count === 1 ? "1 comment" : count + " comments";
  }

  function openReply(button) {
    var article = document.getElementById("c-" + button.dataset.replyTo);
    var existing = article.querySelector(":scope > .comment-form");
    if (existing) { existing.elements.text.focus(); return; }
    var form = mainForm.cloneNode(true);
    form.id = "";
    form.elements.parent.value = button.dataset.replyTo;
    form.elements.text.value = "";
    form.querySelectorAll("[id]").forEach(function (el) { el.id = el.id + "-" + button.dataset.replyTo; });
    form.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor + "-" + button.dataset.replyTo;
    });
    form.querySelectorAll(".field-error, .form-error").forEach(function (el) { el.remove(); });
    var author = article.querySelector(".comment-author");
    form.querySelector("h2").textContent = "Reply to " + (author ? author.textContent : "a deleted comment");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "form-cancel";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { closeReply(form); button.focus(); });
    form.querySelector(".form-actions").appendChild(cancel);
    button.closest(".comment-actions").insertAdjacentElement("afterend", form);
    form.elements.text.focus();
    reportHeight();
  }

  function closeReply(form) {
    form.remove();
    reportHeight();
  }

  /* ---- "Copy link": the permalink of the article page with #c-ID ---- */

  // Without the clipboard API there is no button: the date stays a plain link to copy.
  function addCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll(".comment-actions").forEach(function (actions) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comment-copy";
      button.textContent = "Copy link";
      actions.appendChild(button);
    });
  }

  function copyLink(button) {
    var link = button.closest(".comment").querySelector(".comment-permalink").href;
    navigator.clipboard.writeText(link).then(function () {
      button.textContent = "Link copied";
      setTimeout(function () { button.textContent = "Copy link"; }, 2000);
    }, function () {
      // Refused (e.g. a frame without clipboard permission): offer the link to copy by hand.
      var field = button.parentNode.querySelector(".comment-link-field");
      if (!field) {
        field = document.createElement("input");
        field.className = "comment-link-field";
        field.readOnly = true;
        field.setAttribute("aria-label", "Link to this comment");
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
    var button = event.target.closest("button.comment-reply");
    if (!button || !mainForm) return;
    event.preventDefault();
    openReply(button);
  });

  addCopyButtons(thread);
  if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.documentElement);
  window.addEventListener("resize", reportHeight);
  window.addEventListener("load", reportHeight);
  reportHeight();
  var linked = /^#c-(\d+)$/.exec(location.hash);
  if (linked) showComment(linked[1]);
})();
