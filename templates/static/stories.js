// The story list, and the quotes page, narrowed by facets in the page. Without JavaScript a page
// lists its share of the stories (or their quotes), with links to the other pages and to the term
// pages; this shows the facets in their place. With a value ticked, the stories that match across
// the whole library are listed from facets.json (their quotes from quotes.json, each counted once
// a quote); with none, the page's own list shows.
import { clear, facetIndex, fill, findValues, picked, remember, restore, showCounts, tally } from "./facets.js";

const SHOWN = 100; // stories listed at first, and added by each press of "show more"
const [SLUG, TITLE, DATE, SUMMARY, LANG, DUE, VALUES] = [0, 1, 2, 3, 4, 5, 6]; // a story in facets.json

const panel = document.querySelector("[data-story-filter]");
if (panel) start(panel);

async function start(panel) {
  let index;
  let quotes = null;
  try {
    index = await facetIndex(panel, panel.dataset.index);
    if (panel.dataset.quotes) quotes = await loadQuotes(panel.dataset.quotes);
  } catch {
    return; // the links to the term pages stay
  }
  const weights = quotes && Uint32Array.from(quotes, (texts) => texts.length);
  const list = new Found(panel, index, quotes);
  const update = () => {
    const chosen = picked(panel);
    const { counts, found } = tally(index, chosen, weights);
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

/** Each story's quotes as lists show them, in facets.json's order of the stories. */
async function loadQuotes(address) {
  const response = await fetch(address);
  if (!response.ok) throw new Error(`${address}: ${response.status}`);
  return (await response.json()).quotes;
}

/** The stories (or their quotes) a choice gives, listed in place of the page's own, a hundred at a time. */
class Found {
  constructor(panel, index, quotes) {
    this.panel = panel;
    this.index = index;
    this.quotes = quotes;
    this.list = document.querySelector("[data-found]");
    this.more = document.querySelector("[data-more]");
    this.status = document.querySelector("[data-status]");
    this.stories = [];
    this.next = 0;
    this.more.addEventListener("click", () => this.add());
  }

  /** List these stories instead of the page's own, or the page's own again for null. */
  show(stories) {
    const listing = stories !== null;
    for (const own of document.querySelectorAll("[data-year], .story-years > .pager")) own.hidden = listing;
    this.stories = stories || [];
    this.next = 0;
    this.list.hidden = !listing;
    this.list.replaceChildren();
    this.add();
    const shown = this.quotes ? this.stories.reduce((n, s) => n + this.quotes[s].length, 0) : this.stories.length;
    this.status.textContent = listing ? fill(this.panel.dataset.shown, { shown }) : "";
  }

  /** Add the next hundred stories (or the quotes of the next hundred) to the list. */
  add() {
    const next = this.stories.slice(this.next, this.next + SHOWN);
    this.next += next.length;
    this.list.append(...next.flatMap((s) => (this.quotes ? this.quoted(s) : [this.item(this.index.stories[s])])));
    this.more.hidden = this.next >= this.stories.length;
  }

  /** Story `s`'s quotes, each as the quotes page lists it: the words, then the story, customer and date. */
  quoted(s) {
    const { index, panel } = this;
    const story = index.stories[s];
    return this.quotes[s].map((text) => {
      const li = element("li", "quote-item");
      const quote = element("blockquote", "quote");
      quote.append(element("p", "", text));
      const meta = element("p", "meta");
      const link = element("a", "story-link", story[TITLE]);
      link.href = `${panel.dataset.root}stories/${story[SLUG]}/`;
      meta.append(link);
      const customer = value(index, story, "customer");
      if (customer) meta.append(" · ", element("span", "", customer));
      const [iso, shown] = index.dates[story[DATE]];
      const time = element("time", "", shown);
      time.dateTime = iso;
      meta.append(" · ", time);
      if (story[LANG]) for (const part of [quote, link, ...meta.querySelectorAll("span")]) part.lang = story[LANG];
      li.append(quote, meta);
      return li;
    });
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
