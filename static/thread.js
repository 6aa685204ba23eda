/* Thread page enhancement: inline replies without a reload, height for the loader.
   The page works without this script; it only makes it smoother. */
(function () {
  "use strict";
  var thread = document.querySelector(".thread");
  if (!thread) return;
  var parentOrigin = thread.dataset.parentOrigin;
  var mainForm = document.getElementById("reply-form");

  function reportHeight() {
    if (!parentOrigin || window.parent === window) return;
    var height = document.documentElement.scrollHeight;
    window.parent.postMessage({ type: "widget:height", height: height }, parentOrigin);
  }

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
      form.elements.text.value = "";
      showErrors(form, { errors: {} });
      form.querySelector(".form-error") && form.querySelector(".form-error").remove();
      if (form.elements.parent.value) closeReply(form);
      updateCount(1);
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

  thread.addEventListener("submit", submit);
  thread.addEventListener("click", function (event) {
    var button = event.target.closest("button.comment-reply");
    if (!button || !mainForm) return;
    event.preventDefault();
    openReply(button);
  });
  if ("ResizeObserver" in window) new ResizeObserver(reportHeight).observe(document.body);
  window.addEventListener("load", reportHeight);
  reportHeight();
})();
