// Turns each .map placeholder of the unit page into a small Leaflet map with one marker.
// The page is complete without it: the address, the coordinates and the "Xem bản đồ" link
// stay as text. Leaflet (about 45 KB compressed) is fetched only when a map comes onto the
// screen, so a page read on a phone does not pay for a map below the fold it never reaches
// (a 45 KB script on top of a 25 KB page).
// The files' addresses come from this script's data-* attributes ({% static %}, hashed in
// production); they are not detected from leaflet.css, which breaks under an hx-boost swap
// (Leaflet then asks for /static/vendor/leafletmarker-icon-2x.png).
(function () {
  "use strict";
  const assets = document.currentScript ? document.currentScript.dataset : {};
  // A map whose tiles have not started arriving after this long counts as not loading.
  const TILE_TIMEOUT_MS = 12000;

  function once(selector, create) {
    const existing = document.head.querySelector(selector);
    if (existing) {
      return existing;
    }
    const element = create();
    document.head.appendChild(element);
    return element;
  }

  function loaded(element, ready) {
    return new Promise(function (resolve, reject) {
      if (ready()) {
        resolve();
        return;
      }
      element.addEventListener("load", resolve, { once: true });
      element.addEventListener("error", reject, { once: true });
    });
  }

  function loadLeaflet() {
    const css = once("link[data-leaflet]", function () {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = assets.leafletCss;
      link.dataset.leaflet = "";
      return link;
    });
    const script = once("script[data-leaflet]", function () {
      const element = document.createElement("script");
      element.src = assets.leafletJs;
      element.dataset.leaflet = "";
      return element;
    });
    return Promise.all([
      loaded(css, function () { return Boolean(css.sheet); }),
      loaded(script, function () { return Boolean(window.L); }),
    ]);
  }

  function fileName(url) {
    return url.slice(url.lastIndexOf("/") + 1);
  }

  function useOurMarkerFiles() {
    if (!assets.icon) {
      return;
    }
    L.Icon.Default.imagePath = assets.icon.slice(0, assets.icon.lastIndexOf("/") + 1);
    L.Icon.Default.mergeOptions({
      iconUrl: fileName(assets.icon),
      iconRetinaUrl: fileName(assets.iconRetina),
      shadowUrl: fileName(assets.shadow),
    });
  }

  function giveUp(placeholder, map) {
    if (map) {
      map.remove();
    }
    placeholder.hidden = true;
    const fallback = placeholder.parentElement.querySelector(".map-fallback");
    if (fallback) {
      fallback.hidden = false;
    }
  }

  function draw(placeholder) {
    const lat = parseFloat(placeholder.dataset.lat);
    const lon = parseFloat(placeholder.dataset.lon);
    if (placeholder.classList.contains("leaflet-container") || !isFinite(lat) || !isFinite(lon)) {
      return;
    }
    // A picture of one place: no controls to tab into and no wheel zoom to trap the page's
    // scrolling; "Xem bản đồ" opens the full map.
    const map = L.map(placeholder, { keyboard: false, scrollWheelZoom: false, zoomControl: false });
    map.setView([lat, lon], 16);
    map.attributionControl.setPrefix(false);
    const tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    });
    // Offline, or tiles blocked: a grey box says nothing, so show the text instead.
    let shown = 0;
    const timer = window.setTimeout(function () {
      if (!shown) {
        giveUp(placeholder, map);
      }
    }, TILE_TIMEOUT_MS);
    tiles.on("tileload", function () {
      shown += 1;
      window.clearTimeout(timer);
    });
    tiles.on("load", function () {
      if (!shown) {
        window.clearTimeout(timer);
        giveUp(placeholder, map);
      }
    });
    tiles.addTo(map);
    L.marker([lat, lon], { title: placeholder.dataset.label, alt: placeholder.dataset.label, keyboard: false })
      .addTo(map);
  }

  function start(placeholders) {
    loadLeaflet().then(
      function () {
        useOurMarkerFiles();
        placeholders.forEach(draw);
      },
      function () {
        // Leaflet itself did not arrive (offline): the same text as for missing tiles.
        placeholders.forEach(function (placeholder) {
          giveUp(placeholder, null);
        });
      },
    );
  }

  const placeholders = Array.from(document.querySelectorAll(".map[data-lat]"));
  if (!placeholders.length || !assets.leafletJs) {
    return;
  }
  // The map's room is kept from the start, so nothing below it moves when it is drawn.
  placeholders.forEach(function (placeholder) {
    placeholder.classList.add("map-waiting");
  });
  if (!("IntersectionObserver" in window)) {
    start(placeholders);
    return;
  }
  const observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (entry) { return entry.isIntersecting; })) {
      observer.disconnect();
      start(placeholders);
    }
  });
  placeholders.forEach(function (placeholder) {
    observer.observe(placeholder);
  });
})();
