// The task form: filter the matter list as one types, count the chosen matters, and keep a
// department's member count and tags usable only while the department takes part.
(function () {
  "use strict";
  function setup() {
    var form = document.getElementById("task-form");
    if (!form) return;
    var search = form.querySelector(".js-matter-search");
    var selectedOnly = form.querySelector(".js-matter-selected-only");
    var counter = form.querySelector(".js-matter-count");
    var none = form.querySelector(".js-matter-none");
    var options = Array.prototype.slice.call(form.querySelectorAll(".matter-option"));
    var template = counter ? counter.textContent.replace(/\d+/, "{n}") : "";

    function filterMatters() {
      var words = (search.value || "").toLowerCase().split(/\s+/).filter(Boolean);
      var onlyChosen = selectedOnly && selectedOnly.checked;
      var shown = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var text = option.dataset.search || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        var visible = match && (!onlyChosen || box.checked);
        option.hidden = !visible;
        if (visible) shown += 1;
      });
      if (none) none.hidden = shown !== 0;
    }
    function countMatters() {
      var n = options.filter(function (option) { return option.querySelector("input").checked; }).length;
      if (counter) counter.textContent = template.replace("{n}", n);
    }
    function syncRow(row) {
      var box = row.querySelector("td:first-child input[type=checkbox]");
      if (!box) return;
      var members = row.querySelector("input[type=number]");
      var tags = row.querySelectorAll(".tag-choices input");
      members.disabled = !box.checked;
      if (box.checked && members.value === "") members.value = "1";
      if (!box.checked) members.value = "";
      tags.forEach(function (tag) { tag.disabled = !box.checked; if (!box.checked) tag.checked = false; });
    }
    if (search) {
      search.addEventListener("input", filterMatters);
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    if (selectedOnly) selectedOnly.addEventListener("change", filterMatters);
    options.forEach(function (option) {
      option.querySelector("input").addEventListener("change", countMatters);
    });
    form.querySelectorAll(".js-group-row").forEach(function (row) {
      var box = row.querySelector("td:first-child input[type=checkbox]");
      if (!box) return;
      // an untouched row keeps its values from the server (an error page, an edit)
      var members = row.querySelector("input[type=number]");
      members.disabled = !box.checked;
      row.querySelectorAll(".tag-choices input").forEach(function (tag) { tag.disabled = !box.checked; });
      box.addEventListener("change", function () { syncRow(row); });
    });
    var planItem = form.querySelector("select[name=plan_item]");
    if (planItem && !form.dataset.bound) {
      planItem.addEventListener("change", function () {
        // a plan item brings its own terms: reload the form from it
        var url = new URL(window.location.href);
        if (planItem.value) url.searchParams.set("plan_item", planItem.value);
        else url.searchParams.delete("plan_item");
        window.location.assign(url.toString());
      });
    }
    countMatters();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
