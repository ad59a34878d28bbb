// The buurten map: polygons from the GeoJSON endpoint, names as labels, no basemap tiles
// (the app works on closed networks and sends no visitor to a tile server).
// State for tests is kept on the container: data-state, data-features, data-zoom.
(function () {
  "use strict";

  var container = document.getElementById("kaart");
  var configElement = document.getElementById("kaart-config");
  if (!container || !configElement || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configElement.textContent);

  var map = L.map(container, {
    zoomControl: false,
    attributionControl: true,
    keyboard: true,
    zoomSnap: 0.25,
    minZoom: 8,
    maxZoom: 18,
  });
  L.control.zoom({ zoomInTitle: config.zoomIn, zoomOutTitle: config.zoomOut }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (config.attribution) {
    map.attributionControl.addAttribution(config.attribution);
  }
  map.on("zoomend", function () {
    container.dataset.zoom = String(map.getZoom());
    updateLabels();
  });

  var baseStyle = { color: "#154273", weight: 1.5, fillColor: "#3b7dbf", fillOpacity: 0.25 };
  var hoverStyle = { weight: 3, color: "#000000" };
  var classes = config.classes || {};
  var palette = config.palette || {};

  // Coloured by class when the page chose a measure (the legend and table say the same in
  // words); a region without a score stays pale grey.
  function styleFor(feature) {
    var info = classes[feature.properties.code];
    if (!info) {
      return baseStyle;
    }
    var colour = info.c ? palette[String(info.c)] : "#bdbdbd";
    return { color: "#333333", weight: 1, fillColor: colour, fillOpacity: info.c ? 0.85 : 0.4 };
  }

  var layers = [];

  // Every buurt has a permanent label, but a label only shows when it fits inside its buurt at
  // the current zoom, wrapped onto at most three lines (otherwise 80 names would cover the
  // map); hovering a buurt shows its label anyway. Widths are estimates, not measurements:
  // measuring 80 labels on every zoom would make zooming sluggish.
  var CHAR_WIDTH = 7;
  var LINE_HEIGHT = 15;
  var PADDING = 10;

  function labelWidth(layer) {
    var bounds = layer.getBounds();
    var ne = map.latLngToLayerPoint(bounds.getNorthEast());
    var sw = map.latLngToLayerPoint(bounds.getSouthWest());
    var width = Math.abs(ne.x - sw.x) * 0.8 - PADDING;
    var height = Math.abs(sw.y - ne.y) * 0.8 - PADDING;
    var name = layer.feature.properties.name || "";
    var longestWord = Math.max.apply(null, name.split(/\s+/).map(function (word) {
      return word.length;
    }));
    if (width < longestWord * CHAR_WIDTH) {
      return null;
    }
    var lines = Math.ceil((name.length * CHAR_WIDTH) / width);
    return lines <= 3 && lines * LINE_HEIGHT <= height ? Math.ceil(width) : null;
  }

  function updateLabels() {
    layers.forEach(function (layer) {
      var tooltip = layer.getTooltip();
      var element = tooltip && tooltip.getElement();
      if (!element) {
        return;
      }
      var width = labelWidth(layer);
      element.classList.toggle("wk-kaart__label--hidden", width === null);
      element.style.maxWidth = width === null ? "" : width + PADDING + "px";
      tooltip.update();
    });
  }

  function setActive(layer, active) {
    layer.setStyle(active ? hoverStyle : styleFor(layer.feature));
    var element = layer.getTooltip() && layer.getTooltip().getElement();
    if (element) {
      element.classList.toggle("wk-kaart__label--active", active);
    }
    if (active) {
      layer.bringToFront();
    }
  }

  function onEachFeature(feature, layer) {
    layers.push(layer);
    layer.bindTooltip(feature.properties.name, {
      permanent: true,
      direction: "center",
      className: "wk-kaart__label",
      opacity: 1,
    });
    layer.on("mouseover", function () {
      setActive(layer, true);
    });
    layer.on("mouseout", function () {
      setActive(layer, false);
    });
    var info = classes[feature.properties.code];
    if (info && info.u) {
      // The table's code links are the keyboard route to the same profile.
      layer.on("click", function () {
        window.location.href = info.u;
      });
    }
  }

  function fail() {
    container.dataset.state = "error";
    var message = document.getElementById("kaart-fout");
    if (message) {
      message.textContent = config.loadError;
    }
  }

  fetch(config.geojsonUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, { style: styleFor, onEachFeature: onEachFeature });
      layer.addTo(map);
      if (collection.features.length > 0) {
        map.fitBounds(layer.getBounds(), { padding: [12, 12] });
      } else {
        map.setView([52.1, 5.3], 8);
      }
      updateLabels();
      container.dataset.features = String(collection.features.length);
      container.dataset.zoom = String(map.getZoom());
      container.dataset.state = "ready";
    })
    .catch(fail);
})();
