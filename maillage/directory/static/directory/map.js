/* Directory map: Leaflet + clusters computed on the server for the viewport and the zoom.
 *
 * Each [data-directory-map] element becomes a map. It asks the clusters endpoint for what to
 * draw whenever the view moves (the list of results does not reload), and again with the
 * search form's current parameters when the search changes (form change, htmx swap of the
 * results, browser history). A cluster zooms in when activated; a cluster of establishments
 * at one place (which zooming cannot split) lists them; a point opens its card. Clusters and
 * points are buttons, reachable with Tab and activated with Enter or Space.
 * No build step: plain ES2017 and the vendored Leaflet.
 */
(function () {
  "use strict";
  if (window.maillageDirectoryMap) {
    window.maillageDirectoryMap.initAll();
    return;
  }

  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  var MAX_ZOOM = 18;
  var NOT_FILTERS = ["page", "tri", "bbox", "zoom", "liste", "csrfmiddlewaretoken"];

  function format(text, count) {
    return text.replace("%(count)s", Number(count).toLocaleString(document.documentElement.lang || "fr"));
  }

  /* Text for HTML content and double-quoted attributes. */
  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  /* Query string of the search, without what orders or pages the list, with empty values
     dropped and a stable order (so that equal searches compare equal). */
  function cleanParams(params) {
    var out = new URLSearchParams();
    var entries = [];
    params.forEach(function (value, key) {
      if (value !== "" && NOT_FILTERS.indexOf(key) === -1) entries.push([key, value]);
    });
    entries.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    entries.forEach(function (e) { out.append(e[0], e[1]); });
    return out.toString();
  }

  function formParams(form) {
    return cleanParams(new URLSearchParams(new FormData(form)));
  }

  function DirectoryMap(el) {
    this.el = el;
    this.texts = JSON.parse(document.getElementById(el.dataset.texts).textContent);
    this.params = cleanParams(new URLSearchParams(el.dataset.params || ""));
    this.linkTarget = el.dataset.linkTarget || "";
    this.status = (el.closest("section, body") || document).querySelector("[data-map-status]");
    this.controller = null;
    this.timer = null;
    /* A page restored from htmx's history cache brings back Leaflet's markup without its map. */
    el.replaceChildren();
    el.className = el.className.split(" ").filter(function (c) { return c.indexOf("leaflet-") !== 0; }).join(" ");
    this.map = L.map(el, { maxZoom: MAX_ZOOM, minZoom: 2, keyboard: true, worldCopyJump: false });
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution, maxZoom: MAX_ZOOM }).addTo(this.map);
    this.layer = L.layerGroup().addTo(this.map);
    this.map.fitBounds(FRANCE);
    this.map.on("moveend", this.schedule.bind(this, 120));
    this.bindSearch();
    this.bindEmbed();
    this.updateEmbed();
    this.fitNext = this.params !== "";
    this.schedule(0);
  }

  DirectoryMap.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.load(); }, delay);
  };

  DirectoryMap.prototype.url = function (bounds, extra) {
    var params = new URLSearchParams(this.params);
    params.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(","));
    params.set("zoom", String(this.map.getZoom()));
    if (extra) Object.keys(extra).forEach(function (k) { params.set(k, extra[k]); });
    return this.el.dataset.clustersUrl + "?" + params.toString();
  };

  DirectoryMap.prototype.load = function () {
    var self = this;
    var fit = this.fitNext;
    this.fitNext = false;
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    var bounds = this.map.getBounds().pad(0.05);
    this.el.setAttribute("aria-busy", "true");
    fetch(this.url(bounds, fit ? { etendue: "1" } : null), { signal: this.controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (fit && data.b && !self.map.getBounds().contains(L.latLngBounds([data.b[0], data.b[1]], [data.b[2], data.b[3]]))) {
          /* Move to where the search's points are; the move loads the clusters there. */
          self.map.fitBounds([[data.b[0], data.b[1]], [data.b[2], data.b[3]]], { maxZoom: 12 });
        }
        self.draw(data);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        self.say(self.texts.failed);
      })
      .finally(function () { self.el.removeAttribute("aria-busy"); });
  };

  DirectoryMap.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  DirectoryMap.prototype.button = function (marker, label, onActivate) {
    marker.on("click", onActivate);
    marker.on("add", function () {
      var icon = marker.getElement();
      icon.setAttribute("aria-label", label);
      icon.setAttribute("title", label);
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          event.stopPropagation();
          onActivate();
        }
      });
    });
    return marker;
  };

  DirectoryMap.prototype.draw = function (data) {
    var self = this;
    var texts = this.texts;
    this.layer.clearLayers();
    this.map.closePopup();
    data.c.forEach(function (c) {
      var count = c[2];
      var place = c[7] === 1 || self.map.getZoom() >= MAX_ZOOM;
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : count < 10000 ? 50 : 58;
      var label = format(place ? texts.place : texts.cluster, count);
      var marker = L.marker([c[0], c[1]], {
        keyboard: true,
        icon: L.divIcon({
          className: "map-cluster" + (place ? " map-cluster-place" : ""),
          html: "<span aria-hidden=\"true\">" + escapeHtml(Number(count).toLocaleString("fr")) + "</span>",
          iconSize: [size, size],
        }),
      });
      var bounds = L.latLngBounds([c[3], c[4]], [c[5], c[6]]);
      self.button(marker, label, function () {
        if (place) self.openPlace(marker, bounds, count);
        else self.zoomTo(bounds);
      });
      marker.addTo(self.layer);
    });
    data.p.forEach(function (p) {
      /* p: [lat, lon, id, name, family, demo]; the full card is fetched when opened. */
      var marker = L.marker([p[0], p[1]], {
        keyboard: true,
        icon: L.divIcon({ className: "map-point" + (p[5] ? " map-point-demo" : ""), iconSize: [16, 16] }),
      });
      var family = texts.families[p[4]] || p[4];
      self.button(marker, p[3] + " (" + family + ")", function () { self.openCard(marker, p[2]); });
      marker.addTo(self.layer);
    });
    var n = data.n;
    this.el.dataset.drawnZoom = String(data.z);  /* what is drawn matches this zoom */
    this.say(n === 0 ? texts.inViewNone : n === 1 ? texts.inViewOne : format(texts.inView, n));
  };

  DirectoryMap.prototype.openCard = function (marker, id) {
    var self = this;
    if (marker.getPopup()) {
      marker.openPopup();
      return;
    }
    var url = this.el.dataset.clustersUrl + "?etablissement=" + encodeURIComponent(id);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.p.length) return;
        marker.bindPopup(self.cardHtml(data.p[0]), { autoPanPadding: [24, 24] });
        marker.on("popupopen", function (event) { self.focusPopup(event.popup); });
        marker.openPopup();
      })
      .catch(function () { self.say(self.texts.failed); });
  };

  DirectoryMap.prototype.zoomTo = function (bounds) {
    var zoom = Math.min(MAX_ZOOM, Math.max(this.map.getBoundsZoom(bounds.pad(0.1)), this.map.getZoom() + 1));
    this.map.setView(bounds.getCenter(), zoom);
  };

  DirectoryMap.prototype.detailUrl = function (slug) {
    return this.el.dataset.detailUrl.replace(this.el.dataset.slugPlaceholder, encodeURIComponent(slug));
  };

  /* card: [id, name, enseigne, slug, family, commune, demo] */
  DirectoryMap.prototype.cardHtml = function (card) {
    var target = this.linkTarget ? " target=\"" + this.linkTarget + "\" rel=\"noopener\"" : "";
    var family = this.texts.families[card[4]] || card[4];
    var html = "<div class=\"map-card\"><p class=\"map-card-title\"><a href=\"" + escapeHtml(this.detailUrl(card[3])) +
      "\"" + target + ">" + escapeHtml(card[1]) + "</a></p>";
    if (card[2]) html += "<p>" + escapeHtml(card[2]) + "</p>";
    html += "<p class=\"map-card-meta\">" + escapeHtml(family) + (card[5] ? " · " + escapeHtml(card[5]) : "") + "</p>";
    if (card[6]) html += "<p><span class=\"map-card-badge\">" + escapeHtml(this.texts.demo) + "</span></p>";
    return html + "</div>";
  };

  DirectoryMap.prototype.focusPopup = function (popup) {
    var link = popup.getElement() && popup.getElement().querySelector(".map-card a");
    if (link) link.focus({ preventScroll: true });
  };

  DirectoryMap.prototype.openPlace = function (marker, bounds, count) {
    var self = this;
    var texts = this.texts;
    var box = L.latLngBounds(
      [bounds.getSouth() - 1e-5, bounds.getWest() - 1e-5], [bounds.getNorth() + 1e-5, bounds.getEast() + 1e-5]
    );
    fetch(this.url(box, { liste: "1" }), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var target = self.linkTarget ? " target=\"" + self.linkTarget + "\" rel=\"noopener\"" : "";
        var html = "<div class=\"map-card\"><p class=\"map-card-title\">" + escapeHtml(format(texts.listTitle, data.n)) + "</p><ul>";
        data.p.forEach(function (card) {
          var family = texts.families[card[4]] || card[4];
          html += "<li><a href=\"" + escapeHtml(self.detailUrl(card[3])) + "\"" + target + ">" + escapeHtml(card[1]) + "</a> <span class=\"map-card-meta\">(" +
            escapeHtml(family) + ")</span>" + (card[6] ? " <span class=\"map-card-badge\">" + escapeHtml(texts.demo) + "</span>" : "") + "</li>";
        });
        html += "</ul>";
        if (data.n > data.p.length) html += "<p class=\"map-card-meta\">" + escapeHtml(format(texts.listMore, data.n - data.p.length)) + "</p>";
        marker.bindPopup(html + "</div>", { maxHeight: 320 }).openPopup();
        self.focusPopup(marker.getPopup());
      })
      .catch(function () { self.say(texts.failed); });
  };

  /* Follow the search. The search page answers each htmx search with a "directory-search"
     event carrying its query string; without it (another page), the form's fields after an
     htmx swap. Back and forward in history: the address bar. */
  DirectoryMap.prototype.bindSearch = function () {
    var self = this;
    var sawSearchEvent = false;
    document.body.addEventListener("directory-search", function (event) {
      sawSearchEvent = true;
      var query = event.detail && typeof event.detail.query === "string" ? event.detail.query : "";
      self.setParams(cleanParams(new URLSearchParams(query)));
    });
    document.body.addEventListener("htmx:afterSwap", function () {
      var form = self.el.dataset.form ? document.getElementById(self.el.dataset.form) : null;
      if (!sawSearchEvent && form) self.setParams(formParams(form));
    });
    window.addEventListener("popstate", function () {
      setTimeout(function () { self.setParams(cleanParams(new URLSearchParams(window.location.search))); }, 0);
    });
  };

  DirectoryMap.prototype.setParams = function (params) {
    if (params === this.params) return;
    this.params = params;
    this.fitNext = params !== "";
    this.updateEmbed();
    this.schedule(0);
  };

  DirectoryMap.prototype.bindEmbed = function () {
    var section = this.el.closest("section");
    if (!section) return;
    var code = section.querySelector("[data-map-embed-code]");
    var copy = section.querySelector("[data-map-copy]");
    var done = section.querySelector("[data-map-copied]");
    var texts = this.texts;
    if (!code || !copy) return;
    copy.addEventListener("click", function () {
      var ok = function () { if (done) done.textContent = texts.copied; };
      var fallback = function () {
        code.focus();
        code.select();
        try {
          if (document.execCommand("copy")) { ok(); return; }
        } catch (e) { /* fall through */ }
        if (done) done.textContent = texts.copyFailed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code.value).then(ok, fallback);
      } else {
        fallback();
      }
    });
  };

  DirectoryMap.prototype.updateEmbed = function () {
    var section = this.el.closest("section");
    var code = section && section.querySelector("[data-map-embed-code]");
    if (!code || !this.el.dataset.widgetUrl) return;
    var src = this.el.dataset.widgetUrl + (this.params ? "?" + this.params : "");
    code.value = "<iframe src=\"" + escapeHtml(src) + "\" title=\"" + escapeHtml(this.texts.iframeTitle) +
      "\" width=\"100%\" height=\"480\" style=\"border:0\" loading=\"lazy\"></iframe>";
  };

  function initAll() {
    document.querySelectorAll("[data-directory-map]").forEach(function (el) {
      if (!el.maillageMap) el.maillageMap = new DirectoryMap(el);
    });
  }

  window.maillageDirectoryMap = { initAll: initAll, DirectoryMap: DirectoryMap };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
  document.addEventListener("htmx:afterSettle", initAll);
  document.addEventListener("htmx:historyRestore", initAll);
})();
