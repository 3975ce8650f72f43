// Turns each .map placeholder of the unit page into a small Leaflet map with one marker.
// The page is complete without it: the address and the "Xem bản đồ" link stay.
(function () {
  "use strict";
  if (!window.L) {
    return;
  }

  function draw(placeholder) {
    const lat = parseFloat(placeholder.dataset.lat);
    const lon = parseFloat(placeholder.dataset.lon);
    if (placeholder.classList.contains("leaflet-container") || !isFinite(lat) || !isFinite(lon)) {
      return;
    }
    // A picture of one place (role="img"), so no controls to tab into and no wheel zoom to
    // trap the page's scrolling; "Xem bản đồ" opens the full map.
    const map = L.map(placeholder, { keyboard: false, scrollWheelZoom: false, zoomControl: false });
    map.setView([lat, lon], 16);
    map.attributionControl.setPrefix(false);
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    }).addTo(map);
    L.marker([lat, lon], { title: placeholder.dataset.label, alt: placeholder.dataset.label, keyboard: false })
      .addTo(map);
    if (placeholder.dataset.note) {
      const note = document.createElement("p");
      note.className = "map-note";
      note.textContent = placeholder.dataset.note;
      placeholder.after(note);
    }
  }

  document.querySelectorAll(".map[data-lat]").forEach(draw);
})();
