/* Kaiku camera scanner, shared by the desk and the issuer's registration page.
 *
 * attach(section, {name, onCode}) starts the rear camera (unless the user turned it
 * off on this device), reads QR codes (and the Code 39 barcodes of cards from the earlier
 * registry) from every new frame with the browser's own BarcodeDetector or the vendored
 * zxing-wasm polyfill, and calls onCode(text,
 * frameTime) once per code: a code is read again only after it has left the view. It offers
 * switch camera and torch where the device has them, pauses while the page is
 * hidden, and explains in plain words when there is no camera or no permission.
 */
window.KaikuScanner = (() => {
  "use strict";

  const LEFT_VIEW_MS = 1000; // a code unseen this long has left the view
  const FORMATS = ["qr_code", "code_39"];

  /* Settings remembered on this device, under "kaiku.<name>.<key>". */
  function deviceStore(name) {
    return {
      get: (key, fallback) => localStorage.getItem(`kaiku.${name}.${key}`) ?? fallback,
      set: (key, value) => localStorage.setItem(`kaiku.${name}.${key}`, value),
    };
  }

  function attach(section, { name, onCode }) {
    const $ = (selector) => section.querySelector(selector);
    const TEXT = JSON.parse($("[data-scanner-text]").textContent);
    const wasmUrl = section.dataset.wasmUrl;
    const store = deviceStore(name);
    const viewfinder = $("[data-viewfinder]");
    const video = $("video");
    const status = $("[data-camera-status]");
    const toggle = $("[data-camera-toggle]");
    const switcher = $("[data-camera-switch]");
    const torch = $("[data-torch]");
    let stream = null;
    let detector = null;
    let paused = false;
    let deviceIds = [];
    let deviceIndex = -1;
    let lastCode = "";
    let lastSeen = 0;
    let wantedOn = false;
    let starting = false;

    section.hidden = false;

    async function makeDetector() {
      const api = window.BarcodeDetectionAPI;
      const native = window.BarcodeDetector;
      if (native && (!api || native !== api.BarcodeDetector)) {
        try {
          const supported = await native.getSupportedFormats();
          if (supported.includes("qr_code")) {
            return new native({ formats: FORMATS.filter((format) => supported.includes(format)) });
          }
        } catch (error) {
          /* fall back to the polyfill */
        }
      }
      api.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) },
        fireImmediately: true,
      });
      return new api.BarcodeDetector({ formats: FORMATS });
    }

    function say(text) {
      status.textContent = text;
    }

    async function start() {
      if (starting || stream) return;
      wantedOn = true;
      store.set("camera", "on");
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(window.isSecureContext ? TEXT.cameraMissing : TEXT.cameraInsecure);
        return;
      }
      say(TEXT.cameraStarting);
      starting = true;
      toggle.textContent = TEXT.stopCamera; // a tap while it starts stops it
      try {
        detector = detector || (await makeDetector());
        const video_constraints = deviceIndex >= 0
          ? { deviceId: { exact: deviceIds[deviceIndex] } }
          : { facingMode: { ideal: "environment" } };
        stream = await navigator.mediaDevices.getUserMedia({
          video: { ...video_constraints, width: { ideal: 1280 }, height: { ideal: 720 } },
          audio: false,
        });
      } catch (error) {
        starting = false;
        stream = null;
        const name = error && error.name;
        say(
          name === "NotAllowedError" || name === "SecurityError" ? TEXT.cameraDenied
            : name === "NotFoundError" || name === "OverconstrainedError" ? TEXT.cameraMissing
            : TEXT.cameraFailed,
        );
        toggle.textContent = TEXT.startCamera;
        return;
      }
      starting = false;
      if (!wantedOn) {
        stop(); // stopped while the camera was starting
        return;
      }
      video.srcObject = stream;
      await video.play().catch(() => {});
      viewfinder.hidden = false;
      toggle.textContent = TEXT.stopCamera;
      say(TEXT.cameraOn);
      await offerSwitchAndTorch();
      scanFrames();
    }

    function stop(remember = true) {
      if (remember) {
        wantedOn = false;
        store.set("camera", "off");
      }
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      video.srcObject = null;
      viewfinder.hidden = true;
      torch.hidden = true;
      switcher.hidden = true;
      toggle.textContent = TEXT.startCamera;
      if (remember) say(TEXT.cameraOff);
    }

    async function offerSwitchAndTorch() {
      const devices = await navigator.mediaDevices.enumerateDevices();
      deviceIds = devices.filter((d) => d.kind === "videoinput").map((d) => d.deviceId);
      switcher.hidden = deviceIds.length < 2;
      const track = stream.getVideoTracks()[0];
      const settings = track.getSettings ? track.getSettings() : {};
      if (deviceIndex < 0) deviceIndex = Math.max(0, deviceIds.indexOf(settings.deviceId));
      const capabilities = track.getCapabilities ? track.getCapabilities() : {};
      torch.hidden = !capabilities.torch;
      torch.setAttribute("aria-pressed", "false");
    }

    /* Look at every new frame; note when it arrived, for the speed figures.
       Each start begins a new loop generation; older loops end by themselves. */
    let loop = 0;
    function scanFrames() {
      if (!stream) return;
      const generation = ++loop;
      const next = () => {
        if (!stream || generation !== loop) return;
        if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(look);
        else requestAnimationFrame(look);
      };
      const look = async () => {
        const frameTime = performance.now();
        if (!paused && !document.hidden && video.readyState >= 2) {
          try {
            const codes = await detector.detect(video);
            if (codes.length) found(codes[0].rawValue, frameTime);
          } catch (error) {
            /* a frame that can't be read: try the next one */
          }
        }
        next();
      };
      next();
    }

    /* A card held in view is read once: it is read again only after it has been out of
       view for LEFT_VIEW_MS (say, shown again after "Next"), never while it stays there. */
    function found(code, frameTime) {
      const now = performance.now();
      const stayed = code === lastCode && now - lastSeen < LEFT_VIEW_MS;
      lastCode = code;
      lastSeen = now;
      if (!paused && !stayed) onCode(code, frameTime);
    }

    toggle.addEventListener("click", () => (stream || starting ? stop() : start()));
    switcher.addEventListener("click", () => {
      deviceIndex = (deviceIndex + 1) % deviceIds.length;
      stop(false);
      start();
    });
    torch.addEventListener("click", async () => {
      const on = torch.getAttribute("aria-pressed") !== "true";
      try {
        await stream.getVideoTracks()[0].applyConstraints({ advanced: [{ torch: on }] });
        torch.setAttribute("aria-pressed", String(on));
      } catch (error) {
        torch.hidden = true;
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && stream) {
        stop(false);
        say(TEXT.cameraPaused);
      } else if (!document.hidden && wantedOn && !stream) {
        start();
      }
    });

    if (store.get("camera", "on") === "on") start();
    else say(TEXT.cameraOff);

    return {
      pause: () => (paused = true),
      resume: () => {
        paused = false;
        lastSeen = performance.now(); // the card just shown may still be in view
      },
    };
  }

  return { attach, deviceStore };
})();
