/* Copy buttons: a button [data-copy=ID] copies the text of the element #ID and says so
 * in its status line. Without this script the text is still there to select. */
(() => {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copied]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        status.textContent = status.dataset.copied;
      } catch (error) {
        status.textContent = status.dataset.failed;
      }
    });
  });
})();
