/* Card numbers in the browser: the same check symbol as app/core/numbers.py, so a
 * mistyped number is caught while it is typed (tests/browser check both agree). */
window.kaikuNumbers = (() => {
  "use strict";

  const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const gfMul = (a, b) => {
    let product = 0;
    while (b) {
      if (b & 1) product ^= a;
      b >>= 1;
      a <<= 1;
      if (a & 32) a ^= 0b100101;
    }
    return product;
  };
  const weights = [];
  for (let i = 0, w = 1; i < 9; i++, w = gfMul(w, 2)) weights.push(w);
  weights.reverse();
  const normalise = (text) =>
    text.toUpperCase().replace(/[\s\-_.]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  const looksLikeNumber = (text) => /^[0-9A-HJKMNP-TV-Z]{9}$/.test(normalise(text));
  const isValid = (text) => {
    if (!looksLikeNumber(text)) return false;
    let total = 0;
    [...normalise(text)].forEach((symbol, i) => {
      total ^= gfMul(weights[i], ALPHABET.indexOf(symbol));
    });
    return total === 0;
  };

  /* Live feedback under a field: texts come from the hint's data-ok and data-mistyped. */
  function liveHint(input, hint) {
    const show = () => {
      const text = input.value.trim();
      if (!text || text.includes("/") || !looksLikeNumber(text) || /-\d+\./.test(text)) {
        hint.textContent = "";
        hint.className = "hint";
        return;
      }
      const ok = isValid(text);
      hint.textContent = ok ? hint.dataset.ok : hint.dataset.mistyped;
      hint.className = ok ? "hint hint-ok" : "hint hint-bad";
    };
    input.addEventListener("input", show);
    return show;
  }

  return { normalise, looksLikeNumber, isValid, liveHint };
})();
