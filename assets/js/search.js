/* Starts Pagefind's search box on the search page; the index is built with the site. */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("pencarian");
    if (!box || typeof PagefindUI === "undefined") { return; }
    new PagefindUI({
      element: "#pencarian",
      bundlePath: box.getAttribute("data-bundle"),
      baseUrl: box.getAttribute("data-base"),
      showSubResults: true,
      showImages: false,
      translations: {placeholder: box.getAttribute("data-placeholder"), search_label: box.getAttribute("data-label")}
    });
    var params = new URLSearchParams(window.location.search);
    var input = box.querySelector("input");
    if (input && params.get("q")) {
      input.value = params.get("q");
      input.dispatchEvent(new Event("input"));
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
