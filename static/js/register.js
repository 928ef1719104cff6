/* The issuer's registration form: scan the card's QR with the camera (scanner.js)
 * or type its number, with live typo feedback (numbers.js). */
(() => {
  "use strict";

  const form = document.querySelector("[data-register]");
  if (!form) return;
  const number = form.querySelector("#number");
  const showHint = window.kaikuNumbers.liveHint(number, form.querySelector("[data-code-hint]"));
  window.KaikuScanner.attach(document.querySelector("[data-scanner]"), {
    name: "issuer",
    onCode: (code) => {
      // A card's QR carries <number>-<generation>.<signature>: keep the number.
      const match = /\/k\/([0-9A-Z]{9})-\d+\./.exec(code);
      number.value = match ? match[1].replace(/(...)(...)(...)/, "$1-$2-$3") : code;
      showHint();
      form.querySelector("#birth_year").focus();  // the camera stays on for a better scan
    },
  });
})();
