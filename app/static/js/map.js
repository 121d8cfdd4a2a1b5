// Progressive enhancement: a Leaflet map of the results listed beside it.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var dataEl = document.getElementById("map-data");
  if (!el || !dataEl || !window.L) return;
  var venues = JSON.parse(dataEl.textContent);
  if (!venues.length) return;
  el.classList.add("map-ready");
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, {
    maxZoom: 18,
    attribution: "© OpenStreetMap contributors",
  }).addTo(map);
  function text(tag, value) {
    // Always text, never HTML: names come from mappers and the public.
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }
  var bounds = [];
  venues.forEach(function (v) {
    var popup = document.createElement("div");
    popup.appendChild(text("strong", v.venue));
    var list = document.createElement("ul");
    v.entries.forEach(function (e) {
      var item = document.createElement("li");
      var link = text("a", e.name);
      link.href = e.url;
      item.appendChild(link);
      if (e.when) item.appendChild(text("span", " · " + e.when));
      list.appendChild(item);
    });
    popup.appendChild(list);
    var title = v.venue + " (" + v.entries.length + ")";
    // Not in the tab order: every marker's entries are links in the list beside the map.
    L.marker([v.lat, v.lon], { title: title, alt: title, keyboard: false }).addTo(map).bindPopup(popup);
    bounds.push([v.lat, v.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 15);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
})();
