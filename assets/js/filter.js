/* Filters the innovation list in place. Without JavaScript the form stays
   hidden and the links above it lead to static pages with the same lists. */
(function () {
  "use strict";
  var form = document.getElementById("saring");
  if (!form) { return; }
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card[data-status]"));
  var count = form.querySelector(".filter-count");
  var fields = ["dimension", "horizon", "status", "office"];

  function apply() {
    var shown = 0;
    cards.forEach(function (card) {
      var match = fields.every(function (name) {
        var value = form.elements[name].value;
        return !value || card.getAttribute("data-" + name) === value;
      });
      card.hidden = !match;
      if (match) { shown += 1; }
    });
    document.querySelectorAll("main section, main h3").forEach(function (el) {
      var scope = el.tagName === "H3" ? el.nextElementSibling : el;
      if (!scope) { return; }
      var visible = scope.querySelector(".card:not([hidden])");
      el.hidden = !visible;
      if (el.tagName === "H3") { scope.hidden = !visible; }
    });
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", shown).replace("{total}", cards.length);
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  apply();
}());
