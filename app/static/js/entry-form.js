// The entry form, enhanced: hide fields that do not apply to the kind (the server never
// requires them), and a map pin for the venue that can be dragged onto the right building.
(function () {
  "use strict";
  var select = document.querySelector("[data-kind-select]");
  if (select) {
    var update = function () {
      document.querySelectorAll("[data-for-kind]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-kind").split(" ").indexOf(select.value) < 0;
      });
    };
    select.addEventListener("change", update);
    update();
  }

  var lat = document.getElementById("f-venue_lat");
  var lon = document.getElementById("f-venue_lon");
  var postcode = document.getElementById("f-venue_postcode");
  var mapEl = document.getElementById("pin-map");
  var button = document.getElementById("find-pin");
  if (!lat || !lon || !postcode || !mapEl || !button || !window.L) return;
  var map = null, marker = null;
  function show(la, lo) {
    mapEl.hidden = false;
    if (!map) {
      map = L.map(mapEl);
      L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
      marker = L.marker([la, lo], { draggable: true, title: "Venue (drag to move)", alt: "Venue pin" }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        lat.value = p.lat.toFixed(6);
        lon.value = p.lng.toFixed(6);
      });
    }
    marker.setLatLng([la, lo]);
    map.setView([la, lo], 17);
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (lat.value && lon.value) { show(parseFloat(lat.value), parseFloat(lon.value)); return; }
    fetch("/api/v1/geocode?q=" + encodeURIComponent(postcode.value))
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (found) {
        lat.value = found.latitude.toFixed(6);
        lon.value = found.longitude.toFixed(6);
        show(found.latitude, found.longitude);
      })
      .catch(function () { button.textContent = "Postcode not found: check it, or type latitude and longitude"; });
  });
})();
