/* Dashboard enhancements: copy buttons and "select all". Every page works without them. */
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
})();
