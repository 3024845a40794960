// Hilfelotse: a small map to click the place (the latitude/longitude fields work without it),
// and on the Hilfeplan the print button and the notes shown in the printout.
// The notes never leave the page except in the PDF form's own POST.
(function () {
  "use strict";

  function placeMap() {
    const element = document.getElementById("lotse-map");
    const source = document.getElementById("lotse-map-config");
    const lat = document.getElementById("id_lat");
    const lon = document.getElementById("id_lon");
    const radius = document.getElementById("id_umkreis");
    const clear = document.getElementById("lotse-clear-point");
    if (!element || !source || !lat || !lon || typeof L === "undefined") return;
    const config = JSON.parse(source.textContent);
    element.hidden = false;
    const map = L.map(element, { zoomSnap: 0.5, maxZoom: 19 });
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    let marker = null;
    let circle = null;

    function current() {
      const a = parseFloat(lat.value.replace(",", "."));
      const b = parseFloat(lon.value.replace(",", "."));
      return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
    }

    function draw() {
      const point = current();
      if (marker) { marker.remove(); marker = null; }
      if (circle) { circle.remove(); circle = null; }
      if (clear) clear.hidden = !point;
      if (!point) return;
      marker = L.circleMarker(point, {
        radius: 8, color: "#ffffff", weight: 2, fillColor: "#a4161a", fillOpacity: 1,
      }).addTo(map);
      marker.bindTooltip(() => { const t = document.createElement("span"); t.textContent = config.label; return t; });
      const metres = radius ? parseInt(radius.value, 10) : NaN;
      if (Number.isFinite(metres)) {
        circle = L.circle(point, { radius: metres, color: "#a4161a", weight: 1.5, fillOpacity: 0.06 }).addTo(map);
      }
    }

    map.on("click", (event) => {
      lat.value = event.latlng.lat.toFixed(5);
      lon.value = event.latlng.lng.toFixed(5);
      draw();
    });
    [lat, lon, radius].forEach((input) => input && input.addEventListener("change", draw));
    if (clear) {
      clear.addEventListener("click", () => { lat.value = ""; lon.value = ""; draw(); lat.focus(); });
    }

    const point = current();
    if (point) {
      map.setView(point, 14);
    } else if (config.centre) {
      map.setView(config.centre, 13);
    } else {
      map.setView([51.16, 10.45], 6);
    }
    draw();
    if (circle) map.fitBounds(circle.getBounds(), { padding: [8, 8] });
  }

  function hilfeplan() {
    const button = document.getElementById("hilfeplan-print");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => window.print());
    window.addEventListener("beforeprint", () => {
      document.querySelectorAll("[data-note-for]").forEach((mirror) => {
        const field = document.getElementById(mirror.dataset.noteFor);
        const text = field ? field.value.trim() : "";
        mirror.textContent = text;
        mirror.parentElement.classList.toggle("has-note", text !== "");
      });
    });
  }

  // Empty fields stay out of the address, so it shows only what was asked.
  function shortAddress() {
    const form = document.querySelector(".lotse-form");
    if (!form) return;
    form.addEventListener("submit", () => {
      const empty = Array.from(form.elements).filter(
        (field) => field.name && !field.disabled && field.value === "" && field.type !== "checkbox"
      );
      empty.forEach((field) => { field.disabled = true; });
      window.setTimeout(() => empty.forEach((field) => { field.disabled = false; }), 0);
    });
  }

  // After a search the results get the focus (and the view), unless the address points to
  // one offer, as it does after keeping that offer for the Hilfeplan.
  function focusResults() {
    const heading = document.getElementById("results-heading");
    if (heading && !window.location.hash) heading.focus();
  }

  // The address names this search's anonymous log entry, so reloading the page or coming
  // back to it does not count the same search twice.
  function rememberSearch() {
    const results = document.querySelector(".lotse-results[data-address]");
    if (results && window.history.replaceState) {
      window.history.replaceState(null, "", results.dataset.address + window.location.hash);
    }
  }

  placeMap();
  shortAddress();
  rememberSearch();
  focusResults();
  hilfeplan();
})();
