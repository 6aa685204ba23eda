/* Dashboard enhancements: copy buttons, "select all", and a size check before an upload.
   Every page works without them. */
(function () {
  "use strict";

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(message) { if (status) status.textContent = message; }
      function fallback() {
        source.focus();
        source.select();
        // The words come with the button (data-copied, data-copy-by-hand), in the page's language.
        done(document.execCommand("copy") ? button.dataset.copied : button.dataset.copyByHand);
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { done(button.dataset.copied); }, fallback);
      } else {
        fallback();
      }
    });
  });

  var selectAll = document.querySelector("[data-select-all]");
  if (selectAll) {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-select-item]"));
    selectAll.closest("[hidden]") && (selectAll.closest("[hidden]").hidden = false);
    selectAll.addEventListener("change", function () {
      items.forEach(function (item) { item.checked = selectAll.checked; });
    });
    items.forEach(function (item) {
      item.addEventListener("change", function () {
        var checked = items.filter(function (i) { return i.checked; }).length;
        selectAll.checked = checked === items.length;
        selectAll.indeterminate = checked > 0 && checked < items.length;
      });
    });
  }

  // An import over the limit is refused by the server only once it has been sent (and a
  // browser may show a reset connection instead of the answer): say so before sending.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var form = input.form;
    var button = form.querySelector("button[type=submit]");
    var error = document.createElement("p");
    error.className = "field-error";
    error.id = input.id + "-size-error";
    error.textContent = input.dataset.tooLarge;
    error.hidden = true;
    input.parentElement.appendChild(error);
    var describedBy = input.getAttribute("aria-describedby") || "";
    var label = button ? button.textContent : "";

    function tooLarge() {
      var file = input.files && input.files[0];
      return Boolean(file) && file.size > Number(input.dataset.maxBytes);
    }
    function show(refused) {
      error.hidden = !refused;
      if (refused) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", (describedBy + " " + error.id).trim());
      } else {
        input.removeAttribute("aria-invalid");
        if (describedBy) input.setAttribute("aria-describedby", describedBy);
        else input.removeAttribute("aria-describedby");
      }
    }
    input.addEventListener("change", function () { show(tooLarge()); });
    form.addEventListener("submit", function (event) {
      if (tooLarge()) {
        event.preventDefault();
        show(true);
        input.focus();
      } else if (button && button.dataset.busy) {
        // An import runs while the page waits: say so, and do not send it twice.
        button.textContent = button.dataset.busy;
        button.disabled = true;
      }
    });
    // Back to this page from the browser's cache: the button works again.
    window.addEventListener("pageshow", function () {
      if (button) { button.textContent = label; button.disabled = false; }
    });
  });
})();
