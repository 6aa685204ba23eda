/* What only some readers run, fetched by thread.js on first need (a reader with comments
   of their own here, one who starts writing or points at the account menu): Edit and
   Delete on one's comments, the account menu's screens as a panel, and the preview of
   a comment being written. Most readers never run this, so their first load does not
   carry it. */
(function () {
  "use strict";
  var core = window.widgetThread;  // the part of thread.js that loads this one
  if (!core) return;
  var thread = core.thread;
  var strings = core.strings;
  var language = core.language;
  var send = core.send;
  var actionUrl = core.actionUrl;
  var formToken = core.formToken;
  var resized = core.resized;
  var showNote = core.showNote;
  var relativeTimes = core.relativeTimes;
  var accountToken = core.accountToken;

  function countLabel(count) {
    // "No comments yet" would be wrong above the reader's own comment awaiting moderation.
    if (count === 0 && !thread.querySelector(".comment-list article.comment")) return strings.noComments;
    var message = strings.count[new Intl.PluralRules(language).select(count)] || strings.count.other;
    return message.replace("%(num)s", count);
  }

  function addOwnControls(article, entry) {
    var actions = article.querySelector(":scope > footer");
    if (!actions || actions.querySelector(".comment-own-action")) return;
    [["edit", strings.edit, startEdit], ["delete", strings.delete, deleteOwn]].forEach(function (own) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comment-own-action comment-" + own[0];
      button.textContent = own[1];
      button.addEventListener("click", function () { own[2](article, entry, button); });
      actions.appendChild(button);
    });
    var left = Date.parse(entry.until) - Date.now();
    window.setTimeout(function () { removeOwnControls(article); }, Math.max(left, 0));
    var notice = document.querySelector('[data-own-comment="' + article.id.slice(2) + '"]');
    if (notice) {
      var aside = notice.closest(".own-notice");
      notice.remove();
      if (!aside.querySelector("[data-own-comment]")) aside.remove();
    }
  }

  function removeOwnControls(article) {
    article.querySelectorAll(":scope > footer .comment-own-action, :scope > .edit-form")
      .forEach(function (el) { el.remove(); });
    var body = article.querySelector(":scope > .comment-body");
    if (body) body.hidden = false;
  }

  function startEdit(article, entry, button) {
    if (article.querySelector(":scope > .edit-form")) return;
    var id = article.id.slice(2);
    send(actionUrl("/c/" + id + "/edit"), null, { "X-Edit-Token": entry.token })
      .then(function (result) {
        if (!result.ok) { showNote(article, result.body.message); return; }
        var form = document.createElement("form");
        form.className = "edit-form";
        var label = document.createElement("label");
        label.htmlFor = "edit-text-" + id;
        label.textContent = strings.changeText;
        var text = document.createElement("textarea");
        text.id = "edit-text-" + id;
        text.name = "text";
        text.rows = 5;
        text.required = true;
        text.value = result.body.text;
        var field = document.createElement("div");
        field.className = "field";
        field.appendChild(label);
        field.appendChild(text);
        var actions = document.createElement("div");
        actions.className = "form-actions";
        var save = document.createElement("button");
        save.type = "submit";
        save.className = "button-primary";
        save.textContent = strings.save;
        var cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "form-cancel";
        cancel.textContent = strings.cancel;
        actions.appendChild(save);
        actions.appendChild(cancel);
        form.appendChild(field);
        form.appendChild(actions);
        var body = article.querySelector(":scope > .comment-body");
        body.hidden = true;
        body.insertAdjacentElement("afterend", form);
        cancel.addEventListener("click", function () {
          form.remove(); body.hidden = false; button.focus(); resized();
        });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          save.disabled = true;
          saveEdit(article, entry, form, text).then(function () { save.disabled = false; });
        });
        text.focus();
        resized();
      })
      .catch(function () { showNote(article, strings.serverUnreachable); });
  }

  function saveEdit(article, entry, form, text) {
    var id = article.id.slice(2);
    return send(actionUrl("/c/" + id + "/edit"),
                { csrf_token: formToken(), edit_token: entry.token, text: text.value })
      .then(function (result) {
        form.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
        if (!result.ok) {
          var errors = result.body.errors || {};
          var note = document.createElement("p");
          note.className = "field-error";
          note.id = text.id + "-error";
          note.textContent = (errors.text || errors.csrf_token || [result.body.message]).join(" ");
          text.setAttribute("aria-invalid", "true");
          text.setAttribute("aria-describedby", note.id);
          text.insertAdjacentElement("afterend", note);
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = result.body.html;
        var fresh = holder.firstElementChild;
        ["header", ".comment-body"].forEach(function (selector) {
          var old = article.querySelector(":scope > " + selector);
          var replacement = fresh.querySelector(":scope > " + selector);
          if (old && replacement) old.replaceWith(replacement);
        });
        article.dispatchEvent(new CustomEvent("widget:enhance", { bubbles: true }));
        article.classList.toggle("comment-pending", result.body.status === "pending");
        form.remove();
        relativeTimes(article);
        resized();
      })
      .catch(function () {
        var note = document.createElement("p");
        note.className = "field-error";
        note.textContent = strings.changeNotSent;
        text.insertAdjacentElement("afterend", note);
      });
  }

  function deleteOwn(article, entry) {
    if (!window.confirm(strings.confirmDelete)) return;
    var id = article.id.slice(2);
    var wasCounted = !article.classList.contains("comment-pending");
    send(actionUrl("/c/" + id + "/delete"), { csrf_token: formToken(), edit_token: entry.token })
      .then(function (result) {
        if (!result.ok) { showNote(article, result.body.message); return; }
        if (result.body.placeholder) {
          article.classList.add("comment-deleted");
          ["header", "footer", ".edit-form"].forEach(function (selector) {
            var el = article.querySelector(":scope > " + selector);
            if (el) el.remove();
          });
          var body = article.querySelector(":scope > .comment-body");
          body.hidden = false;
          body.className = "comment-body comment-body-deleted";
          body.innerHTML = "<p>[deleted]</p>";
        } else {
          article.remove();
        }
        if (wasCounted) countChanged(-1);
        resized();
      })
      .catch(function () { showNote(article, strings.serverUnreachable); });
  }

  function countChanged(delta) {
    var heading = thread.querySelector(".thread-count");
    var count = Math.max((parseInt(heading.dataset.count, 10) || 0) + delta, 0);
    heading.dataset.count = count;
    heading.textContent = countLabel(count);
  }

  /* ---- the signed-in commenter (widget/accounts/menu_views.py): Edit and Delete on
     their comments from any browser where they are signed in (the answer to "who is
     signed in?" lists them: the shared page cannot), and the account menu's screens as
     a panel under the account bar ---- */
  function addAccountControls(comments, accountComments) {  // comment id: until when it may be edited
    comments.forEach(function (article) {
      var until = accountComments[article.id.slice(2)];
      if (!until || article.classList.contains("comment-deleted")) return;
      var left = Date.parse(until) - Date.now();
      if (left > 0) {
        addOwnControls(article, { token: "", until: until });
        window.setTimeout(function () { addDeleteOnly(article); }, left + 1000);
      } else {
        addDeleteOnly(article);
      }
    });
  }

  // Past the edit window a signed-in author may still delete their comment.
  function addDeleteOnly(article) {
    var actions = article.querySelector(":scope > footer");
    if (!article.isConnected || !actions || actions.querySelector(".comment-own-action")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "comment-own-action comment-delete";
    button.textContent = strings.delete;
    button.addEventListener("click", function () { deleteOwn(article, { token: "" }, button); });
    actions.appendChild(button);
  }

  function showPanel(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;  // rendered by our templates, user text escaped there
    var panel = holder.firstElementChild;
    panel.querySelectorAll("form[method=post]").forEach(function (form) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "account_token";
      field.value = accountToken();
      form.appendChild(field);
    });
    var old = document.getElementById("account-panel");
    if (old) old.replaceWith(panel);
    else document.getElementById("account-bar").insertAdjacentElement("afterend", panel);
    var menu = thread.querySelector(".account-menu");
    if (menu) menu.open = false;
    panel.setAttribute("tabindex", "-1");
    panel.focus();
    resized();
  }

  function openPanel(link) {
    send(link.href).then(function (result) {
      if (result.ok) showPanel(result.body.html);
      else showPanelError(result.body.message || strings.failed);
    }).catch(function () { showPanelError(strings.serverUnreachable); });
  }

  function showPanelError(message) {
    var note = document.createElement("p");
    note.id = "account-panel";
    note.className = "form-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    showPanel(note.outerHTML);
  }

  function closePanel() {
    document.getElementById("account-panel").remove();
    var summary = thread.querySelector(".account-menu summary");
    if (summary) summary.focus();
    resized();
  }

  // The JSON file, saved from this frame: fetch it, then a link to it with `download`.
  function downloadData(form) {
    var headers = { Accept: "application/json" };
    if (accountToken()) headers["X-Widget-Account"] = accountToken();
    fetch(form.action, { method: "POST", body: new FormData(form), headers: headers,
                         credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) return response.json().then(function (body) { throw new Error(body.message); });
        var named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = named ? named[1] : "account.json";
          document.body.appendChild(link);
          link.click();
          link.remove();
          window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
        });
      })
      .catch(function (error) {
        var note = form.querySelector(".form-error") || document.createElement("p");
        note.className = "form-error";
        note.setAttribute("role", "alert");
        note.textContent = error.message || strings.serverUnreachable;
        form.appendChild(note);
        resized();
      });
  }

  /* ---- preview: the server renders exactly what posting would store ---- */
  function showPreview(button) {
    var form = button.form;
    var box = form.querySelector(".comment-preview");
    if (!box) {
      box = document.createElement("section");
      box.className = "comment-preview";
      box.setAttribute("aria-label", strings.preview);
      box.setAttribute("aria-live", "polite");
      var label = document.createElement("p");
      label.className = "comment-preview-label";
      label.textContent = strings.preview;
      var body = document.createElement("div");
      body.className = "comment-body";
      box.appendChild(label);
      box.appendChild(body);
      form.elements.text.closest(".field").insertAdjacentElement("afterend", box);
    }
    var target = box.querySelector(".comment-body");
    send(button.getAttribute("formaction"), {
      csrf_token: form.elements.csrf_token.value, text: form.elements.text.value
    }).then(function (result) {
      if (!result.ok) {
        var errors = result.body.errors || {};
        target.textContent = (errors.text || errors.csrf_token || [result.body.message]).join(" ");
      } else if (!result.body.html) {
        target.textContent = strings.nothingToPreview;
      } else {
        target.innerHTML = result.body.html;  // sanitized by the server's one sanitizer
      }
      resized();
    }).catch(function () { target.textContent = strings.serverUnreachable; });
  }

  window.widgetOwn = {
    addOwnControls: addOwnControls, addAccountControls: addAccountControls,
    openPanel: openPanel, closePanel: closePanel, downloadData: downloadData,
    showPreview: showPreview
  };
})();
