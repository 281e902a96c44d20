// Facet filters shared by the search page and the story list: the ticked values, their
// counts, and the page address that keeps both. Values of one facet combine with OR,
// facets combine with AND. Every word shown comes from the page, never from this file.

/** The facet check boxes inside an element. */
export function boxes(root) {
  return [...root.querySelectorAll("[data-facet] input[type=checkbox]")];
}

/** The ticked values by facet, e.g. {need: ["a", "b"]}; facets with nothing ticked are left out. */
export function picked(root) {
  const chosen = {};
  for (const box of boxes(root)) {
    if (box.checked) (chosen[box.name] ??= []).push(box.value);
  }
  return chosen;
}

/** Tick the values the address names, and open each facet that has one ticked. */
export function restore(root, params) {
  for (const box of boxes(root)) box.checked = params.getAll(box.name).includes(box.value);
  for (const facet of root.querySelectorAll("[data-facet]")) {
    if (facet.querySelector("input:checked")) facet.open = true;
  }
}

/** Untick every value. */
export function clear(root) {
  for (const box of boxes(root)) box.checked = false;
}

/** Keep the words and the ticked values in the page's address, so it can be shared and reloaded. */
export function remember(words, chosen) {
  const params = new URLSearchParams();
  if (words) params.set("q", words);
  for (const [name, values] of Object.entries(chosen)) {
    for (const value of values) params.append(name, value);
  }
  const query = params.toString();
  history.replaceState(history.state, "", query ? `?${query}` : location.pathname);
}

/** Show how many stories each value would give, e.g. {need: {a: 3}}; a missing value has none. */
export function showCounts(root, counts) {
  for (const box of boxes(root)) {
    const n = counts[box.name]?.[box.value] ?? 0;
    const label = box.closest("label");
    label.querySelector("[data-count]").textContent = String(n);
    label.classList.toggle("none", n === 0 && !box.checked);
  }
}

/** True when a story's values meet every facet's choice, leaving out the facet named `except`. */
export function matches(values, chosen, except = "") {
  return Object.entries(chosen).every(
    ([name, wanted]) => name === except || wanted.some((value) => (values[name] || []).includes(value)),
  );
}

/** An interface string with its {name} places filled in. */
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
