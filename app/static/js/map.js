// Progressive enhancement: a Leaflet map of the results listed beside it.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.L) return;
  var points = JSON.parse(dataEl.textContent);
  if (!points.length) return;
  el.classList.add("map-ready");
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, {
    maxZoom: 18,
    attribution: "© OpenStreetMap contributors",
  }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    // Built as DOM text, never HTML: names come from mappers and the public.
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    popup.appendChild(link);
    if (p.when) {
      var when = document.createElement("div");
      when.textContent = p.when;
      popup.appendChild(when);
    }
    L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map).bindPopup(popup);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 15);
  else map.fitBounds(bounds, { padding: [24, 24] });
})();
