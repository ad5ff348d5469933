/* Makes the dashboard's view tabs reachable from the keyboard and named for screen readers.
 *
 * Dash renders each tab as a plain <div> that only a mouse can choose. This marks the row as a
 * tablist and each tab as a tab (with aria-selected following the chosen one), puts the tabs in
 * the Tab order, and lets Enter or Space choose the focused tab. It changes only attributes and
 * listens for keys; the page's own click handling chooses the tab.
 */
(function () {
  "use strict";

  function mark() {
    var rows = document.querySelectorAll(".tab-container");
    for (var i = 0; i < rows.length; i++) rows[i].setAttribute("role", "tablist");
    var tabs = document.querySelectorAll(".tab");
    for (var j = 0; j < tabs.length; j++) {
      var tab = tabs[j];
      if (tab.getAttribute("role") !== "tab") tab.setAttribute("role", "tab");
      if (tab.getAttribute("tabindex") !== "0") tab.setAttribute("tabindex", "0");
      var selected = tab.classList.contains("tab--selected") ? "true" : "false";
      if (tab.getAttribute("aria-selected") !== selected) tab.setAttribute("aria-selected", selected);
    }
  }

  function onKey(event) {
    var tab = event.target;
    if (!tab || !tab.classList || !tab.classList.contains("tab")) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      tab.click();
    }
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  }

  function start() {
    mark();
    document.addEventListener("keydown", onKey);
    new MutationObserver(soon).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["class"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
