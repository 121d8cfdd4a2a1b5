/* Waymark listing widget for partner sites. Paste:
 *   <div data-waymark data-town="tipton" data-kind="meeting" data-limit="10"></div>
 *   <script src="https://WAYMARK/embed.js" async></script>
 * It adds plain lists (no styles of its own) so the host page's styles apply. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : "";
  var PARAMS = ["town", "kind", "interest", "day", "when", "near", "radius", "fellowship"];
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }
  function render(box, body) {
    var list = el("ul");
    list.className = "waymark-list";
    body.items.forEach(function (item) {
      var li = el("li");
      var link = el("a", item.name);
      link.href = origin + "/assets/" + item.id;
      li.appendChild(link);
      var bits = [];
      if (item.next_occurrence) bits.push(item.next_occurrence.label);
      if (item.venue) bits.push(item.venue.name + (item.venue.town_name ? ", " + item.venue.town_name : ""));
      if (bits.length) li.appendChild(el("span", " — " + bits.join(" · ")));
      list.appendChild(li);
    });
    box.textContent = "";
    box.appendChild(body.items.length ? list : el("p", "Nothing listed at the moment."));
    var more = el("a", "More on Waymark");
    more.href = origin + "/search?" + box.dataset.query;
    var p = el("p");
    p.appendChild(more);
    box.appendChild(p);
  }
  document.querySelectorAll("[data-waymark]").forEach(function (box) {
    var query = new URLSearchParams();
    PARAMS.forEach(function (name) {
      (box.dataset[name] || "").split(",").filter(Boolean).forEach(function (v) { query.append(name, v.trim()); });
    });
    box.dataset.query = query.toString();
    query.set("per_page", box.dataset.limit || "10");
    if (!query.has("near")) query.set("sort", "next");
    if (!query.has("when")) query.set("when", "week");
    fetch(origin + "/api/v1/assets?" + query.toString())
      .then(function (r) { return r.json(); })
      .then(function (body) { render(box, body); })
      .catch(function () { box.textContent = "The listing could not be loaded."; });
  });
})();
