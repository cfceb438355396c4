// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
    target.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
// A table wider than the screen scrolls inside its wrapper: let keyboard users reach and scroll it.
document.querySelectorAll(".table-wrap").forEach((wrap) => {
  if (!wrap.hasAttribute("tabindex")) wrap.tabIndex = 0;
});
