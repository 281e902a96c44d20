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

/**
 * Tick the values the address names, and open each facet that has one ticked. A value the
 * page does not list (a facet with many values lists the most frequent) gets a box of its own.
 */
export function restore(root, params) {
  for (const box of boxes(root)) box.checked = params.getAll(box.name).includes(box.value);
  let added = false;
  for (const facet of root.querySelectorAll("[data-facet]")) {
    const listed = new Set(boxes(facet).map((box) => box.value));
    for (const value of params.getAll(facet.dataset.facet)) {
      if (listed.has(value)) continue;
      choices(facet).append(choice(facet.dataset.facet, value, value, true));
      listed.add(value);
      added = true;
    }
    if (facet.querySelector("input:checked")) facet.open = true;
  }
  if (added) relabel(root);
}

/** Give the boxes added for values from the address the words facets.json has for them. */
async function relabel(root) {
  const index = await facetIndex(root).catch(() => null);
  if (!index) return;
  for (const box of boxes(root)) {
    const facet = index.byName[box.name];
    const at = facet?.place.get(box.value);
    if (at !== undefined) box.closest("label").querySelector(".choice").textContent = facet.label(at);
  }
}

/**
 * The data of every story (facets.json, made with the story list), loaded once for `root`:
 * each facet's values, their words and how many stories have each, and the stories.
 */
export function facetIndex(root, address = "") {
  // The search page names Pagefind's index in its own data-index, so facets.json is looked for here.
  const found = address || root.querySelector("[data-find]")?.dataset.index;
  if (!found) return Promise.reject(new Error("no facets.json named"));
  root.facetIndex ??= fetch(found).then((response) => {
    if (!response.ok) throw new Error(`${found}: ${response.status}`);
    return response.json().then(prepared);
  });
  return root.facetIndex;
}

/**
 * facets.json with each facet's values found by name and counted over the whole library, and
 * the stories' values of each facet in one typed array (story s has `flat[starts[s]]` up to
 * `flat[starts[s + 1]]`), which is several times faster to go through than an array each.
 */
function prepared(data) {
  const facets = data.facets.map((facet, f) => {
    const totals = new Uint32Array(facet.values.length);
    const starts = new Uint32Array(data.stories.length + 1);
    let size = 0;
    data.stories.forEach((story, s) => {
      size += story[6][f].length;
      starts[s + 1] = size;
    });
    const flat = new Uint32Array(size);
    data.stories.forEach((story, s) => flat.set(story[6][f], starts[s]));
    for (const at of flat) totals[at] += 1;
    const place = new Map(facet.values.map((value, at) => [value, at]));
    const label = (at) => (facet.labels ? facet.labels[at] : facet.values[at]);
    return { ...facet, totals, starts, flat, place, label };
  });
  return { ...data, facets, byName: Object.fromEntries(facets.map((facet) => [facet.name, facet])) };
}

/**
 * Make each facet's box for finding values work: as one types, the values whose words hold what
 * was typed are listed as boxes after the page's own, the most frequent first.
 */
export function findValues(root, most = 20) {
  for (const input of root.querySelectorAll("[data-find]")) {
    const facet = input.closest("[data-facet]");
    input.addEventListener("input", async () => {
      const index = await facetIndex(root).catch(() => null);
      const data = index?.byName[facet.dataset.facet];
      if (!data) return;
      const typed = input.value.trim().toLocaleLowerCase();
      for (const box of boxes(facet)) {
        if (box.closest("[data-found-value]") && !box.checked) box.closest("li").remove();
      }
      if (!typed) return;
      const listed = new Set(boxes(facet).map((box) => box.value));
      const matching = [];
      for (let at = 0; at < data.values.length; at++) {
        if (!listed.has(data.values[at]) && data.label(at).toLocaleLowerCase().includes(typed)) matching.push(at);
      }
      matching.sort((a, b) => data.totals[b] - data.totals[a] || data.label(a).localeCompare(data.label(b)));
      const items = matching.slice(0, most).map((at) => choice(data.name, data.values[at], data.label(at), false));
      for (const item of items) item.dataset.foundValue = "";
      choices(facet).append(...items);
      showCounts(root, root.shownCounts || {});
    });
  }
}

/** The list of a facet's boxes. */
function choices(facet) {
  return facet.querySelector(".choices");
}

/** One value's box as the page lists it: a check box, the value's words and its count. */
function choice(name, value, words, checked) {
  const item = document.createElement("li");
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.name = name;
  box.value = value;
  box.checked = checked;
  const shown = document.createElement("span");
  shown.className = "choice";
  shown.textContent = words;
  const count = document.createElement("span");
  count.className = "count";
  count.dataset.count = "";
  label.append(box, " ", shown, " ", count);
  item.append(label);
  return item;
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
  root.shownCounts = counts; // for the boxes a search among a facet's values adds later
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

/**
 * The places of the stories the choice gives, and for each value how many stories (or quotes,
 * given each story's `weights`) ticking it would give. Each story is looked at once: one that
 * meets every facet counts for all its values; one that fails a single facet counts for that
 * facet's values only (ticking one of them would let it in).
 */
export function tally(index, chosen, weights = null) {
  const { facets, stories } = index;
  const wanted = facets.filter((facet) => chosen[facet.name]);
  if (!wanted.length && !weights) {
    return { counts: named(facets, facets.map((facet) => facet.totals)), found: [] };
  }
  const masks = wanted.map((facet) => {
    const mask = new Uint8Array(facet.values.length);
    for (const value of chosen[facet.name]) {
      const at = facet.place.get(value);
      if (at !== undefined) mask[at] = 1;
    }
    return mask;
  });
  const totals = facets.map((facet) => new Uint32Array(facet.values.length));
  const failing = wanted.map((facet) => totals[facets.indexOf(facet)]);
  const found = [];
  for (let s = 0; s < stories.length; s++) {
    const weight = weights ? weights[s] : 1;
    if (weight === 0) continue;
    let fails = 0;
    let failed = -1;
    for (let w = 0; w < wanted.length && fails < 2; w++) {
      if (!meets(wanted[w], masks[w], s)) {
        fails += 1;
        failed = w;
      }
    }
    if (fails === 0) {
      found.push(s);
      for (let f = 0; f < facets.length; f++) add(facets[f], totals[f], s, weight);
    } else if (fails === 1) {
      add(wanted[failed], failing[failed], s, weight);
    }
  }
  return { counts: named(facets, totals), found: wanted.length ? found : [] };
}

/** True when story `s` has one of the values a facet's mask marks. */
function meets(facet, mask, s) {
  const { starts, flat } = facet;
  for (let i = starts[s]; i < starts[s + 1]; i++) if (mask[flat[i]] === 1) return true;
  return false;
}

/** Count story `s` `weight` times for each of its values of a facet. */
function add(facet, totals, s, weight) {
  const { starts, flat } = facet;
  for (let i = starts[s]; i < starts[s + 1]; i++) totals[flat[i]] += weight;
}

/** The counts by facet name and value, as showCounts takes them, leaving out values with none. */
function named(facets, totals) {
  const counts = {};
  facets.forEach((facet, f) => {
    const found = (counts[facet.name] = {});
    totals[f].forEach((n, at) => {
      if (n) found[facet.values[at]] = n;
    });
  });
  return counts;
}
