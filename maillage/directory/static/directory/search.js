/* Directory search: suggestions for the commune and sector fields (datalist, no library).
 * Without JavaScript the fields still accept a name, a postal code or a code as typed. */
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }
  function fill(list, options) {
    list.replaceChildren();
    options.forEach(function (option) {
      var element = document.createElement("option");
      element.value = option.value;
      if (option.label) { element.label = option.label; }
      list.appendChild(element);
    });
  }
  function attach(input, url, toOptions) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    input.addEventListener("input", debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) { fill(list, []); return; }
      fetch(url + "?format=json&q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { fill(list, toOptions(data)); } })
        .catch(function () { /* suggestions are a convenience: typing still works */ });
    }, 200));
  }
  function init() {
    document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
      attach(input, input.dataset.autocomplete, function (communes) {
        return communes.map(function (c) {
          return { value: c.name + " (" + c.departement + ")", label: (c.postal_codes || []).join(", ") };
        });
      });
    });
    document.querySelectorAll("input[data-sector-autocomplete]").forEach(function (input) {
      attach(input, input.dataset.sectorAutocomplete, function (data) {
        return (data.results || []).map(function (s) { return { value: s.code, label: s.label }; });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
