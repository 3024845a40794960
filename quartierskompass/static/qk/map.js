// The project map: areas as a choropleth, activities and actors as clustered markers.
// Every text from the database goes into the page with textContent, never as HTML.
(function () {
  "use strict";
  const element = document.getElementById("map");
  const source = document.getElementById("map-config");
  if (!element || !source || typeof L === "undefined") return;
  const config = JSON.parse(source.textContent);
  const layer = config.layer;
  const COLOURS = { activity: "#0b5563", offer: "#a4161a", actor: "#7a4b00" };

  const map = L.map(element, { zoomSnap: 0.25, maxZoom: 19 });
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  } else {
    element.classList.add("map--offline");
  }

  function popup(title, lines, url) {
    const box = document.createElement("div");
    const heading = document.createElement("strong");
    heading.textContent = title;
    box.appendChild(heading);
    lines.filter(Boolean).forEach((text) => {
      const line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    if (url) {
      const link = document.createElement("a");
      link.href = url;
      link.textContent = config.texts.open;
      box.appendChild(link);
    }
    return box;
  }

  const areas = L.geoJSON(layer.areas, {
    style: (feature) => ({
      color: "#1b1f23", weight: 1.5, fillColor: feature.properties.fill, fillOpacity: 0.7,
    }),
    onEachFeature: (feature, item) => {
      const p = feature.properties;
      const value = layer.indicator ? (layer.indicator.label + ": " + (p.text || config.texts.noValue)) : "";
      item.bindPopup(() => popup(p.name, [p.kind + " " + p.code, value], p.url));
      item.bindTooltip(() => { const t = document.createElement("span"); t.textContent = p.name; return t; },
        { sticky: true });
    },
  }).addTo(map);

  const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  layer.markers.forEach((m) => {
    const marker = L.circleMarker([m.lat, m.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: COLOURS[m.kind], fillOpacity: 1,
    });
    marker.bindPopup(() => popup(m.name, [config.texts[m.kind]], m.url));
    cluster.addLayer(marker);
  });
  map.addLayer(cluster);

  const bounds = areas.getBounds();
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [12, 12] });
  } else if (layer.markers.length) {
    map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 15 });
  } else {
    map.setView([51.16, 10.45], 6);
  }
})();
