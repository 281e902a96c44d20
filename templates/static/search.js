// The search page: words and facets over Pagefind's index, with the state in the address.
// Pagefind's own interface ANDs the values of one facet and shows filters only after a query;
// this one ORs them, ANDs the facets, and browses the library by facets with no words at all.
// The index comes in parts, each a run of dates, searched together as one.
import { boxes, clear, fill, findValues, picked, remember, restore, showCounts } from "./facets.js";

const PAGE_SIZE = 20;
const TYPING_PAUSE = 200; // milliseconds
const EXCERPT_WORDS = 24;
const PART = "part"; // the filter naming the part of the index a page is in
const NARROW = "(max-width: 51.99rem)"; // where style.css puts the facets above the results

const page = document.querySelector("[data-search]");
if (page) start(page);

async function start(page) {
  const form = page.querySelector("form");
  const words = form.elements.q;
  const status = page.querySelector("[data-status]");
  const params = new URLSearchParams(location.search);
  words.value = params.get("q") || "";
  restore(page, params);
  fold(page);
  findValues(page);
  show("[data-search-noscript]", false);
  page.hidden = false;
  status.textContent = page.dataset.loading;
  let index;
  try {
    index = await openIndex(new URL(page.dataset.index, document.baseURI));
  } catch {
    page.hidden = true;
    show("[data-search-unavailable]", true);
    return;
  }
  const results = new Results(page);
  let turn = 0;
  const run = async () => {
    const mine = ++turn;
    const text = words.value.trim();
    const chosen = picked(page);
    remember(text, chosen);
    const { found, counts } = await find(index, text || null, chosen);
    if (mine !== turn) return; // a newer search has started
    showCounts(page, counts);
    await results.show(found, text, () => mine === turn);
  };
  let pause;
  words.addEventListener("input", () => {
    clearTimeout(pause);
    pause = setTimeout(run, TYPING_PAUSE);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(pause);
    await run();
    bringIntoView(status);
  });
  page.querySelector(".facets").addEventListener("change", run);
  page.querySelector("[data-clear]").addEventListener("click", () => {
    words.value = "";
    clear(page);
    run();
    words.focus();
  });
  await run();
}

/** Fold the facets on a narrow screen, unless the address ticks some, so that results show below the box. */
function fold(page) {
  const facets = page.querySelector("[data-fold]");
  if (facets && matchMedia(NARROW).matches && !Object.keys(picked(page)).length) facets.open = false;
}

/** Scroll an element to the top of the window when it starts below the window's bottom. */
function bringIntoView(element) {
  if (element.getBoundingClientRect().top > window.innerHeight) element.scrollIntoView({ block: "start" });
}

/** The parts of the index listed in `list`, newest first, merged into one Pagefind search. */
async function openIndex(list) {
  const response = await fetch(list, { cache: "no-cache" }); // parts come and go between builds
  if (!response.ok) throw new Error(`${list}: ${response.status}`);
  const parts = await response.json();
  // Paths, not addresses: Pagefind gives each result's address relative to its bundle's path.
  const [first, ...rest] = parts.map((name) => new URL(`${name}/`, list).pathname);
  const pagefind = await import(new URL("pagefind.js", new URL(first, list)).href);
  // Each part's pages carry the part's name as a filter, so a search can be kept to one part.
  await pagefind.options({ excerptLength: EXCERPT_WORDS, mergeFilter: { [PART]: parts[0] } });
  for (const [i, bundle] of rest.entries()) {
    await pagefind.mergeIndex(bundle, { excerptLength: EXCERPT_WORDS, mergeFilter: { [PART]: parts[i + 1] } });
  }
  await pagefind.filters(); // loaded once, so that every search also counts the filter values
  return { pagefind, parts };
}

/** The stories found, and for each facet value how many stories ticking it would give. */
async function find(index, term, chosen) {
  const search = (filters) => index.pagefind.search(term, { filters });
  const found = await search(asFilters(chosen));
  const counts = { ...found.filters };
  // Pagefind counts a value as if ANDed with the current filters. Within a facet values are
  // ORed, so a facet with ticked values is counted from a search without its own filter.
  for (const name of Object.keys(chosen)) {
    counts[name] = (await search(asFilters(chosen, name))).filters[name] || {};
  }
  const count = found.results.length;
  return { found: term ? inOrder(found.results) : newestFirst(index, asFilters(chosen), count), counts };
}

/** Results in the order Pagefind ranked them, the best match first. */
function inOrder(results) {
  return { count: results.length, slice: async (start, end) => results.slice(start, end) };
}

/**
 * Results without words, newest first. Pagefind sorts the results of each part by date but
 * merges the parts by rank, so the parts (runs of dates, newest first) are searched one by
 * one, as far as the results shown need.
 */
function newestFirst(index, filters, count) {
  const taken = [];
  let next = 0;
  let last = Promise.resolve();
  const take = async (start, end) => {
    while (taken.length < end && next < index.parts.length) {
      const part = { ...filters, [PART]: { any: [index.parts[next++]] } };
      taken.push(...(await index.pagefind.search(null, { filters: part, sort: { date: "desc" } })).results);
    }
    return taken.slice(start, end);
  };
  // One slice after another, so that the parts' results are added in order.
  const slice = (start, end) => (last = last.catch(() => {}).then(() => take(start, end)));
  return { count, slice };
}

/** Pagefind filters for the ticked values: any value of a facet, every facet but `except`. */
function asFilters(chosen, except = "") {
  const filters = {};
  for (const [name, values] of Object.entries(chosen)) {
    if (name !== except) filters[name] = { any: values };
  }
  return filters;
}

/** The list of results, shown a page at a time. */
class Results {
  constructor(page) {
    this.page = page;
    this.list = page.querySelector("[data-results]");
    this.status = page.querySelector("[data-status]");
    this.more = page.querySelector("[data-more]");
    this.found = inOrder([]);
    this.more.addEventListener("click", () => this.next(() => true));
  }

  /** Replace the list with the first results, and say how many there are. */
  async show(found, words, current) {
    this.found = found;
    this.words = words;
    const batch = await load(await found.slice(0, PAGE_SIZE));
    if (!current()) return;
    this.list.replaceChildren(...batch.map((data) => item(data, this.page.dataset.root, this.words)));
    const n = found.count;
    const key = n === 0 ? "none" : n === 1 ? "foundOne" : "foundMany";
    this.status.textContent = fill(this.page.dataset[key], { n });
    this.more.hidden = n <= PAGE_SIZE;
  }

  /** Add the next page of results to the list. */
  async next(current) {
    const start = this.list.children.length;
    const batch = await load(await this.found.slice(start, start + PAGE_SIZE));
    if (!current()) return;
    this.list.append(...batch.map((data) => item(data, this.page.dataset.root, this.words)));
    this.more.hidden = this.list.children.length >= this.found.count;
  }
}

/** The data of each result: address, metadata and excerpt. */
function load(results) {
  return Promise.all(results.map((result) => result.data()));
}

/** One result: the story's title as a link, its date and customer, and the excerpt. */
function item(data, root, words) {
  const li = element("li", "story-item");
  const link = element("a", "story-link", data.meta.title);
  link.href = root + data.url.replace(/^\//, "");
  const meta = element("p", "meta");
  const date = element("time", "", data.meta.date);
  date.dateTime = data.meta.datetime || "";
  meta.append(date);
  const customer = element("span", "", data.meta.customer);
  if (data.meta.customer) meta.append(" · ", customer);
  const excerpt = element("p", "summary excerpt");
  // With words, the excerpt around them, the words marked; without, the story's summary.
  if (words || !data.meta.summary) excerpt.append(...marked(data.excerpt));
  else excerpt.textContent = data.meta.summary;
  if (data.meta.lang) {
    for (const part of [link, customer, excerpt]) part.lang = data.meta.lang; // the story's own language
  }
  li.append(link, meta, excerpt);
  return li;
}

/** The excerpt's text with the words that matched in <mark>, taking nothing else from its HTML. */
function marked(excerpt) {
  const parsed = new DOMParser().parseFromString(excerpt || "", "text/html").body;
  return [...parsed.childNodes].map((node) =>
    node.nodeName === "MARK" ? element("mark", "", node.textContent) : document.createTextNode(node.textContent),
  );
}

/** Show or hide the page's element matching a selector, if the page has one. */
function show(selector, shown) {
  const found = document.querySelector(selector);
  if (found) found.hidden = !shown;
}

/** A new element with a class and text. */
function element(name, className, text = "") {
  const made = document.createElement(name);
  if (className) made.className = className;
  if (text) made.textContent = text;
  return made;
}
