// "Dùng vị trí của tôi": fill the hidden lat/lon fields from the browser's position and
// submit the form. Without JavaScript, or when the position is refused, the unit list below
// the button does the same job as a plain form.
(function () {
  "use strict";
  const form = document.getElementById("locate-form");
  const button = document.getElementById("locate-button");
  const status = document.getElementById("locate-status");
  if (!form || !button || !status || !("geolocation" in navigator)) {
    return;
  }

  function giveUp(message) {
    button.disabled = false;
    status.textContent = message;
    const units = document.getElementById("id_don_vi");
    if (units) {
      units.focus();
    }
  }

  function submit(position) {
    // Three decimals (about 100 m) rank service points just as well and keep the resident's
    // exact position out of the address bar, the history and the server's logs.
    form.elements.lat.value = position.coords.latitude.toFixed(3);
    form.elements.lon.value = position.coords.longitude.toFixed(3);
    button.disabled = false;
    status.textContent = "";
    form.requestSubmit();
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = form.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      submit,
      function (error) {
        giveUp(error.code === error.PERMISSION_DENIED ? form.dataset.denied : form.dataset.failed);
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 },
    );
  });
})();
