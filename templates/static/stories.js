// The story list narrowed by facets in the page. Without JavaScript the page lists its share of
// the stories, with links to the other pages and to the term pages; this shows the facets in their
// place. With a value ticked, the stories that match across the whole library are listed from
// facets.json; with none, the page's own list shows.
import { clear, facetIndex, fill, findValues, picked, remember, restore, showCounts } from "./facets.js";

const SHOWN = 100; // stories listed at first, and added by each press of "show more"
const [SLUG, TITLE, DATE, SUMMARY, LANG, DUE, VALUES] = [0, 1, 2, 3, 4, 5, 6]; // a story in facets.json

const panel = document.querySelector("[data-story-filter]");
if (panel) start(panel);

async function start(panel) {
  let index;
  try {
    index = await facetIndex(panel, panel.dataset.index);
  } catch {
    return; // the links to the term pages stay
  }
  const list = new Found(panel, index);
  const update = () => {
    const chosen = picked(panel);
    const { counts, found } = tally(index, chosen);
    showCounts(panel, counts);
    list.show(Object.keys(chosen).length ? found : null);
    remember("", chosen);
  };
  restore(panel, new URLSearchParams(location.search));
  findValues(panel);
  panel.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") update();
  });
  panel.querySelector("[data-clear]").addEventListener("click", () => {
    clear(panel);
    update();
  });
  panel.hidden = false;
  const browse = document.querySelector("[data-browse]");
  if (browse) browse.hidden = true;
  update();
}

/**
 * The stories the choice gives, and for each value how many stories ticking it would give.
 * Each story is looked at once: one that meets every facet counts for all its values; one that
 * fails a single facet counts for that facet's values only (ticking one of them would let it in).
 */
function tally(index, chosen) {
  const { facets, stories } = index;
  const wanted = facets.filter((facet) => chosen[facet.name]);
  if (!wanted.length) return { counts: named(facets, facets.map((facet) => facet.totals)), found: [] };
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
    let fails = 0;
    let failed = -1;
    for (let w = 0; w < wanted.length && fails < 2; w++) {
      if (!meets(wanted[w], masks[w], s)) {
        fails += 1;
        failed = w;
      }
    }
    if (fails === 0) {
      found.push(stories[s]);
      for (let f = 0; f < facets.length; f++) add(facets[f], totals[f], s);
    } else if (fails === 1) {
      add(wanted[failed], failing[failed], s);
    }
  }
  return { counts: named(facets, totals), found };
}

/** True when story `s` has one of the values a facet's mask marks. */
function meets(facet, mask, s) {
  const { starts, flat } = facet;
  for (let i = starts[s]; i < starts[s + 1]; i++) if (mask[flat[i]] === 1) return true;
  return false;
}

/** Count story `s` for each of its values of a facet. */
function add(facet, totals, s) {
  const { starts, flat } = facet;
  for (let i = starts[s]; i < starts[s + 1]; i++) totals[flat[i]] += 1;
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

/** The stories a choice gives, listed in place of the page's own, a hundred at a time. */
class Found {
  constructor(panel, index) {
    this.panel = panel;
    this.index = index;
    this.list = document.querySelector("[data-found]");
    this.more = document.querySelector("[data-more]");
    this.status = document.querySelector("[data-status]");
    this.stories = [];
    this.more.addEventListener("click", () => this.add());
  }

  /** List these stories instead of the page's own, or the page's own again for null. */
  show(stories) {
    const listing = stories !== null;
    for (const own of document.querySelectorAll("[data-year], .story-years > .pager")) own.hidden = listing;
    this.stories = stories || [];
    this.list.hidden = !listing;
    this.list.replaceChildren();
    this.add();
    this.status.textContent = listing ? fill(this.panel.dataset.shown, { shown: this.stories.length }) : "";
  }

  /** Add the next hundred stories to the list. */
  add() {
    const start = this.list.children.length;
    const next = this.stories.slice(start, start + SHOWN).map((story) => this.item(story));
    this.list.append(...next);
    this.more.hidden = this.list.children.length >= this.stories.length;
  }

  /** A story's item, as the server lists it: title, date, customer, source, due mark, summary. */
  item(story) {
    const { index, panel } = this;
    const lang = story[LANG];
    const li = element("li", "story-item");
    const link = element("a", "story-link", story[TITLE]);
    link.href = `${panel.dataset.root}stories/${story[SLUG]}/`;
    const meta = element("p", "meta");
    const [iso, shown] = index.dates[story[DATE]];
    const time = element("time", "", shown);
    time.dateTime = iso;
    meta.append(time);
    const customer = value(index, story, "customer");
    const spoken = [link];
    if (customer) {
      const span = element("span", "", customer);
      meta.append(" · ", span);
      spoken.push(span);
    }
    const source = value(index, story, "source");
    if (source) meta.append(` · ${source}`);
    if (story[DUE]) meta.append(" ", element("span", "due", panel.dataset.due));
    li.append(link, meta);
    if (story[SUMMARY]) {
      const summary = element("p", "summary", story[SUMMARY]);
      li.append(summary);
      spoken.push(summary);
    }
    if (lang) for (const part of spoken) part.lang = lang; // the story's own language
    return li;
  }
}

/** The words of a story's first value in a facet, or "" when it has none. */
function value(index, story, name) {
  const facet = index.byName[name];
  if (!facet) return "";
  const values = story[VALUES][index.facets.indexOf(facet)];
  return values.length ? facet.label(values[0]) : "";
}

/** A new element with a class and text. */
function element(name, className, text = "") {
  const made = document.createElement(name);
  if (className) made.className = className;
  if (text) made.textContent = text;
  return made;
}
