/* fieldapp dispatch map (templates/calls/_map.html): active calls by priority and status, units by
   status with the age of their last position (grey past 2 minutes), drawn on a canvas with circle
   markers that are moved in place, so 200 units and 500 calls stay smooth. The same in two tables
   beside it (the accessible alternative) and calls without coordinates listed as "No location".

   Data: /map/data once, then the live stream (live.js's "fieldapp:live" events): a unit's position
   moves its marker; a call's change fetches /map/data again (at most every 2 seconds).
   Tiles only with MAP_TILE_URL; otherwise the agency's zones (/api/v1/zones) on a plain background.
   Tests read window.fieldappMap. */
import L from "leaflet";

(function () {
  "use strict";
  var PRIORITY_COLOURS = { 1: "#b3261e", 2: "#c25e00", 3: "#8a6d00", 4: "#245fa8" };
  var UNIT_COLOURS = { available: "#1b6e3a", assigned: "#245fa8", en_route: "#c25e00", on_scene: "#6a3d9a",
                       transporting: "#00707a", out_of_service: "#555555" };
  var STALE_COLOUR = "#9e9e9e";
  var panel, map, renderer, staleSeconds = 120, units = {}, calls = {}, unitMarkers = {}, callMarkers = {};
  var fitted = false, reloadTimer = null, placing = null;

  function ageSeconds(unit) {
    return unit.recorded_at ? Math.max(0, (Date.now() - Date.parse(unit.recorded_at)) / 1000) : null;
  }
  function isStale(unit) { var age = ageSeconds(unit); return age !== null && age > staleSeconds; }
  function ageText(unit) {
    var age = ageSeconds(unit);
    if (age === null) return t("Position not known");
    if (age < 60) return t("{seconds} s ago", { seconds: Math.round(age) });
    if (age < 3600) return t("{minutes} min ago", { minutes: Math.floor(age / 60) });
    return t("{hours} h {minutes} min ago", { hours: Math.floor(age / 3600), minutes: Math.floor((age % 3600) / 60) });
  }
  function has(point) { return typeof point.lat === "number" && typeof point.lon === "number"; }

  function unitStyle(unit) {
    var stale = isStale(unit);
    return { radius: 8, weight: 2, color: "#ffffff", fillOpacity: 0.95,
             fillColor: stale ? STALE_COLOUR : (UNIT_COLOURS[unit.status] || "#333333") };
  }
  function callStyle(call) {
    var pending = call.status === "pending";
    return { radius: 6, weight: pending ? 3 : 1, color: pending ? "#000000" : "#ffffff",
             dashArray: pending ? "3 2" : null, fillOpacity: 0.85, fillColor: PRIORITY_COLOURS[call.priority] || "#333" };
  }
  function unitTip(unit) { return unit.call_sign + " · " + unit.status_label + " · " + ageText(unit); }
  function callTip(call) {
    return "P" + call.priority + " " + call.call_type + " · " + call.status_label + " · " + call.address +
      (call.unit ? " · " + call.unit : "");
  }

  /* Markers are made once and then moved and restyled in place. */
  function placeUnit(unit) {
    var marker = unitMarkers[unit.id];
    if (!has(unit)) { if (marker) { marker.remove(); delete unitMarkers[unit.id]; } return; }
    if (!marker) {
      marker = unitMarkers[unit.id] = L.circleMarker([unit.lat, unit.lon], Object.assign({ renderer: renderer }, unitStyle(unit)));
      marker.bindTooltip("", { className: "map-tip" });
      marker.addTo(map);
    } else {
      marker.setLatLng([unit.lat, unit.lon]);
      marker.setStyle(unitStyle(unit));
    }
    marker.setTooltipContent(unitTip(unit));
    marker.bringToFront();
  }
  function placeCall(call) {
    var marker = callMarkers[call.id];
    if (!has(call)) { if (marker) { marker.remove(); delete callMarkers[call.id]; } return; }
    if (!marker) {
      marker = callMarkers[call.id] = L.circleMarker([call.lat, call.lon], Object.assign({ renderer: renderer }, callStyle(call)));
      marker.bindTooltip("", { className: "map-tip" });
      marker.on("click", function () { location.assign("/calls/" + call.id); });
      marker.addTo(map);
    } else {
      marker.setLatLng([call.lat, call.lon]);
      marker.setStyle(callStyle(call));
    }
    marker.setTooltipContent(callTip(call));
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function unitRow(unit) {
    var row = document.getElementById("map-unit-" + unit.id);
    if (!row) {
      row = document.createElement("tr");
      row.id = "map-unit-" + unit.id;
      var th = document.createElement("th");
      th.scope = "row";
      row.appendChild(th);
      cell(row, ""); cell(row, "");
    }
    row.setAttribute("data-unit-id", unit.id);
    row.setAttribute("data-lat", has(unit) ? unit.lat : "");
    row.setAttribute("data-lon", has(unit) ? unit.lon : "");
    row.setAttribute("data-stale", isStale(unit) ? "true" : "false");
    row.children[0].textContent = unit.call_sign;
    row.children[1].textContent = unit.status_label;
    row.children[2].textContent = ageText(unit);
    row.children[2].className = isStale(unit) ? "age-stale" : "";
    return row;
  }

  function renderLists() {
    var body = panel.querySelector("#map-units tbody");
    var ids = Object.keys(units).sort(function (a, b) { return units[a].call_sign < units[b].call_sign ? -1 : 1; });
    ids.forEach(function (id) { body.appendChild(unitRow(units[id])); });
    Array.prototype.forEach.call(body.querySelectorAll("tr"), function (row) {
      if (!units[row.getAttribute("data-unit-id")]) row.remove();
    });
    var callBody = panel.querySelector("#map-calls tbody"), missing = panel.querySelector("#no-location-list");
    callBody.innerHTML = ""; missing.innerHTML = "";
    var sorted = Object.keys(calls).map(function (id) { return calls[id]; })
      .sort(function (a, b) { return a.priority - b.priority || a.id - b.id; });
    var count = 0;
    sorted.forEach(function (call) {
      var row = document.createElement("tr");
      row.setAttribute("data-call-id", call.id);
      cell(row, "P" + call.priority);
      var what = cell(row, "");
      var link = document.createElement("a");
      link.href = "/calls/" + call.id;
      link.textContent = call.call_type + " #" + call.id;
      what.appendChild(link);
      what.appendChild(document.createTextNode(" · " + call.address + (has(call) ? "" : " " + t("(no location)"))));
      cell(row, call.status_label);
      cell(row, call.unit || t("No unit"));
      callBody.appendChild(row);
      if (has(call)) return;
      count += 1;
      var item = document.createElement("li");
      var text = document.createElement("a");
      text.href = "/calls/" + call.id;
      text.textContent = "P" + call.priority + " " + call.call_type + " #" + call.id + ", " + call.address;
      item.appendChild(text);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = placing === call.id ? t("Click the map…") : t("Place pin");
      button.setAttribute("aria-label", button.textContent + " for call #" + call.id);
      button.addEventListener("click", function () { startPlacing(call.id); });
      item.appendChild(button);
      missing.appendChild(item);
    });
    panel.querySelector("#no-location-count").textContent = count;
  }

  /* A dispatcher places a call's pin: the next click on the map (PUT /api/v1/calls/{id}/location). */
  function startPlacing(id) {
    placing = id;
    panel.querySelector("#pin-help").hidden = false;
    map.getContainer().classList.add("placing");
    renderLists();
  }
  function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
  function placePin(event) {
    if (placing === null) return;
    var id = placing, help = panel.querySelector("#pin-help");
    placing = null;
    map.getContainer().classList.remove("placing");
    fetch("/api/v1/calls/" + id + "/location", {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ lat: event.latlng.lat, lon: event.latlng.lng }),
    }).then(function (response) {
      help.textContent = response.ok ? t("Pin placed.") : t("The pin could not be placed ({status}).", { status: response.status });
      if (response.ok) reload();
    }).catch(function () { help.textContent = t("The pin could not be placed: no connection."); })
      .finally(renderLists);
  }

  function fit() {
    if (fitted) return;
    var points = [];
    Object.keys(units).forEach(function (id) { if (has(units[id])) points.push([units[id].lat, units[id].lon]); });
    Object.keys(calls).forEach(function (id) { if (has(calls[id])) points.push([calls[id].lat, calls[id].lon]); });
    if (points.length) { map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 15 }); fitted = true; }
  }

  function apply(data) {
    var seenUnits = {}, seenCalls = {};
    data.units.forEach(function (unit) {
      var known = units[unit.id];
      // a position that arrived live may be newer than this read
      if (known && known.recorded_at && (!unit.recorded_at || Date.parse(known.recorded_at) > Date.parse(unit.recorded_at))) {
        unit.lat = known.lat; unit.lon = known.lon; unit.recorded_at = known.recorded_at;
      }
      units[unit.id] = unit; seenUnits[unit.id] = true; placeUnit(unit);
    });
    Object.keys(units).forEach(function (id) {
      if (!seenUnits[id]) { if (unitMarkers[id]) unitMarkers[id].remove(); delete unitMarkers[id]; delete units[id]; }
    });
    data.calls.forEach(function (call) { calls[call.id] = call; seenCalls[call.id] = true; placeCall(call); });
    Object.keys(calls).forEach(function (id) {
      if (!seenCalls[id]) { if (callMarkers[id]) callMarkers[id].remove(); delete callMarkers[id]; delete calls[id]; }
    });
    renderLists();
    fit();
    panel.setAttribute("data-loaded", "true");
  }

  function reload() {
    return fetch(panel.getAttribute("data-data-url"), { credentials: "same-origin",
      headers: { Accept: "application/json", "X-Fieldapp-Background": "1" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () {});
  }
  function scheduleReload() {
    if (reloadTimer) return;
    reloadTimer = setTimeout(function () { reloadTimer = null; reload(); }, 2000);
  }

  function moved(event) {
    var unit = units[event.unit];
    if (!unit) { scheduleReload(); return; }
    if (unit.recorded_at && Date.parse(unit.recorded_at) > Date.parse(event.recorded_at)) return;  // older
    unit.lat = event.lat; unit.lon = event.lon; unit.accuracy_m = event.accuracy_m; unit.recorded_at = event.recorded_at;
    placeUnit(unit);
    unitRow(unit);
    fit();
  }

  function zones() {
    var url = panel.getAttribute("data-zones-url");
    if (!url) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "X-Fieldapp-Background": "1" } })
      .then(function (r) { return r.ok ? r.json() : null; })  // 404 until zones exist
      .then(function (collection) {
        if (!collection || !collection.features || !collection.features.length) return;
        var layer = L.geoJSON(collection, {
          renderer: renderer, interactive: false,
          style: function () { return { color: "#4a6178", weight: 1.5, fillColor: "#c9d6e2", fillOpacity: 0.35 }; },
        }).addTo(map);
        layer.bringToBack();
        if (!fitted) { map.fitBounds(layer.getBounds()); fitted = true; }
      }).catch(function () {});
  }

  function start() {
    panel = document.getElementById("map-panel");
    if (!panel || panel.getAttribute("data-started")) return;
    panel.setAttribute("data-started", "true");
    staleSeconds = Number(panel.getAttribute("data-stale-seconds")) || 120;
    var tiles = panel.getAttribute("data-tile-url");
    map = L.map("dispatch-map", { preferCanvas: true, attributionControl: !!tiles, worldCopyJump: true })
      .setView([39.5, -98.35], 4);
    renderer = L.canvas({ padding: 0.3 });
    if (tiles) L.tileLayer(tiles, { attribution: panel.getAttribute("data-attribution") || "", maxZoom: 19 }).addTo(map);
    map.on("click", placePin);
    zones();
    reload();
    document.addEventListener("fieldapp:live", function (e) {
      var event = e.detail;
      if (event.type === "unit.position") moved(event);
      else if (event.type && event.type.indexOf("call.") === 0) scheduleReload();
    });
    // the stream came back: what was missed while it was down
    document.addEventListener("fieldapp:connection", function (e) { if (e.detail.connected) scheduleReload(); });
    setInterval(function () {  // ages move on, and positions turn grey past 2 minutes
      Object.keys(units).forEach(function (id) { if (has(units[id])) { unitMarkers[id] && unitMarkers[id].setStyle(unitStyle(units[id])); } unitRow(units[id]); });
    }, 5000);
    window.fieldappMap = {
      map: map,
      unit: function (id) { return units[id]; },
      unitLatLng: function (id) { var m = unitMarkers[id]; return m ? m.getLatLng() : null; },
      callLatLng: function (id) { var m = callMarkers[id]; return m ? m.getLatLng() : null; },
      counts: function () { return { units: Object.keys(unitMarkers).length, calls: Object.keys(callMarkers).length }; },
      reload: reload,
    };
  }

  document.addEventListener("DOMContentLoaded", start);
})();
