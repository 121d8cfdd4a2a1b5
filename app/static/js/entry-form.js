// Hide the fields that do not apply to the chosen kind (the server never requires them).
(function () {
  "use strict";
  var select = document.querySelector("[data-kind-select]");
  if (!select) return;
  function update() {
    document.querySelectorAll("[data-for-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-for-kind").split(" ").indexOf(select.value) < 0;
    });
  }
  select.addEventListener("change", update);
  update();
})();
