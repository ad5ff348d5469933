/* Ties each <label for=...> of the dashboard to its control for assistive technology.
 *
 * A text field takes its name from <label for> natively. Dash's dropdowns, sliders and option
 * lists do not: their focusable element is named by aria-labelledby (a dropdown names itself by
 * its value) or sits inside the element that carries the id. This adds the label's id in front
 * of the control's aria-labelledby, so a screen reader reads "Compare against, US stays".
 * Served from the package like every other asset; it changes nothing but ARIA attributes.
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

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; tie(); });
  }

  function start() {
    tie();
    new MutationObserver(soon).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby"],
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
