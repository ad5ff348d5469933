/* Ties each <label for=...> of the dashboard to its control for assistive technology, and makes
 * the view tabs reachable from the keyboard.
 *
 * A text field takes its name from <label for> natively. Dash's dropdowns, sliders and option
 * lists do not: their focusable element is named by aria-labelledby (a dropdown names itself by
 * its value) or sits inside the element that carries the id. This adds the label's id in front
 * of the control's aria-labelledby, so a screen reader reads "Compare against, US stays".
 * Dash renders each view tab as a plain <div> that only a mouse can choose: the row is marked a
 * tablist and each tab a tab (aria-selected following the chosen one), the tabs join the Tab
 * order, and Enter or Space chooses the focused tab through the page's own click handling.
 * Served from the package like every other asset; it changes attributes and listens for keys.
 */
(function () {
  "use strict";

  function named(element, labelId) {
    var current = element.getAttribute("aria-labelledby") || "";
    var ids = current.split(/\s+/).filter(Boolean);
    if (ids[0] === labelId) return;
    ids = ids.filter(function (i) { return i !== labelId; });
    // a dropdown's own ids point at its value: keep them after the label
    var own = ids.filter(function (i) { return document.getElementById(i); });
    element.setAttribute("aria-labelledby", [labelId].concat(own).join(" "));
  }

  function tie() {
    var labels = document.querySelectorAll("label[for][id]");
    for (var i = 0; i < labels.length; i++) {
      var label = labels[i];
      var target = document.getElementById(label.htmlFor);
      if (!target) continue;
      var tag = target.tagName;
      if ((tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") &&
          !target.hasAttribute("aria-labelledby")) continue; // named natively
      var sliders = target.querySelectorAll("[role=slider]");
      if (sliders.length) {
        for (var j = 0; j < sliders.length; j++) named(sliders[j], label.id);
        continue;
      }
      if (!target.getAttribute("role") && tag !== "BUTTON") target.setAttribute("role", "group");
      named(target, label.id);
    }
  }

  function tabs() {
    var rows = document.querySelectorAll(".tab-container");
    for (var i = 0; i < rows.length; i++) rows[i].setAttribute("role", "tablist");
    var all = document.querySelectorAll(".tab");
    for (var j = 0; j < all.length; j++) {
      var tab = all[j];
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
    window.requestAnimationFrame(function () { pending = false; tie(); tabs(); });
  }

  function start() {
    tie();
    tabs();
    document.addEventListener("keydown", onKey);
    new MutationObserver(soon).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["aria-labelledby", "class"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
