// The story list narrowed by facets in the page. Without JavaScript the page lists every
// story and links to the term pages; this shows the facets in their place.
import { boxes, clear, fill, matches, picked, remember, restore, showCounts } from "./facets.js";

const panel = document.querySelector("[data-story-filter]");
if (panel) start(panel);

function start(panel) {
  const items = [...document.querySelectorAll("[data-facets]")].map((element) => ({
    element,
    values: JSON.parse(element.dataset.facets),
  }));
  const status = document.querySelector("[data-status]");
  const update = () => {
    const chosen = picked(panel);
    showCounts(panel, counts(panel, items, chosen));
    let shown = 0;
    for (const item of items) {
      item.element.hidden = !matches(item.values, chosen);
      shown += item.element.hidden ? 0 : 1;
    }
    for (const year of document.querySelectorAll("[data-year]")) {
      year.hidden = !year.querySelector("[data-facets]:not([hidden])");
    }
    if (status) status.textContent = Object.keys(chosen).length ? fill(panel.dataset.shown, { shown }) : "";
    remember("", chosen);
  };
  restore(panel, new URLSearchParams(location.search));
  panel.addEventListener("change", update);
  panel.querySelector("[data-clear]").addEventListener("click", () => {
    clear(panel);
    update();
  });
  panel.hidden = false;
  const browse = document.querySelector("[data-browse]");
  if (browse) browse.hidden = true;
  update();
}

/** For each value, how many stories it would show: the other facets' choices, and this value. */
function counts(panel, items, chosen) {
  const found = {};
  for (const box of boxes(panel)) {
    const n = items.filter(
      (item) => matches(item.values, chosen, box.name) && (item.values[box.name] || []).includes(box.value),
    ).length;
    (found[box.name] ??= {})[box.value] = n;
  }
  return found;
}
