/* The issuer's registration form: scan the card's QR with the camera (scanner.js)
 * or type its number, with live typo feedback (numbers.js). */
(() => {
  "use strict";

  const form = document.querySelector("[data-register]");
  if (!form) return;
  const number = form.querySelector("#number");
  const kind = form.querySelector("#kind");
  // Only the chosen kind's fields show, and only they are sent.
  const showKind = () => {
    form.querySelectorAll("[data-card-kind]").forEach((fieldset) => {
      const off = fieldset.dataset.cardKind !== kind.value;
      fieldset.hidden = off;
      fieldset.disabled = off;
    });
  };
  kind.addEventListener("change", showKind);
  showKind();
  const showHint = window.kaikuNumbers.liveHint(number, form.querySelector("[data-code-hint]"));
  window.KaikuScanner.attach(document.querySelector("[data-scanner]"), {
    name: "issuer",
    onCode: (code) => {
      // A card's QR carries <number>-<generation>.<signature>: keep the number.
      const match = /\/k\/([0-9A-Z]{9})-\d+\./.exec(code);
      number.value = match ? match[1].replace(/(...)(...)(...)/, "$1-$2-$3") : code;
      showHint();
      // the camera stays on for a better scan
      form.querySelector(kind.value === "community" ? "#organisation" : "#birth_year").focus();
    },
  });
})();
