// The search page: words and facets over Pagefind's index, with the state in the address.
// Pagefind's own interface ANDs the values of one facet and shows filters only after a query;
// this one ORs them, ANDs the facets, and browses the library by facets with no words at all.
// Without words the page lists and counts from facets.json (the story list's data), and its
// first stories and counts come with the page; Pagefind is loaded only for the first words.
// The index comes in parts, each a run of dates, searched together as one.
import { clear, facetIndex, fill, findValues, picked, remember, restore, showCounts, tally } from "./facets.js";

const PAGE_SIZE = 20; // as many as search.html lists before any search
const TYPING_PAUSE = 200; // milliseconds
const EXCERPT_WORDS = 24;
const SEARCHES_KEPT = 8;
const PART = "part"; // the filter naming the part of the index a page is in
const NARROW = "(max-width: 51.99rem)"; // where style.css puts the facets above the results
// Pagefind adds this to the address of each part's first file instead of the time, so that the
// browser may keep the file; openIndex asks the server whether it changed first.
const CACHE_TAG = "insole";
const [SLUG, TITLE, DATE, SUMMARY, LANG, VALUES] = [0, 1, 2, 3, 4, 6]; // a story in facets.json

function start(page) {
  const form = page.querySelector("form");
  const words = form.elements.q;
  const status = page.querySelector("[data-status]");
  const params = new URLSearchParams(location.search);
  words.value = params.get("q") || "";
  const counts = shownCounts(page); // the library's, with the page
  restore(page, params);
  fold(page);
  findValues(page);
  const source = new Source(page);
  const whole = {
    count: Number(page.dataset.stories),
    slice: async (start, end) => (await source.browse({})).found.slice(start, end),
  };
  const results = new Results(page, whole);
  let turn = 0;
  const run = async () => {
    const mine = ++turn;
    const text = words.value.trim();
    const chosen = picked(page);
    remember(text, chosen);
    if (!text && !Object.keys(chosen).length) {
      showCounts(page, counts);
      results.again();
      return;
    }
    let answer;
    try {
      answer = await (text ? source.find(text, chosen) : source.browse(chosen));
    } catch {
      if (mine !== turn) return;
      page.hidden = true;
      show("[data-search-unavailable]", true);
      return;
    }
    if (mine !== turn) return; // a newer search has started
    showCounts(page, answer.counts);
    await results.show(answer.found, text, () => mine === turn);
  };
  let pause;
  words.addEventListener("input", () => {
    if (words.value.trim()) source.open().catch(() => {}); // while the typing pauses; a search says if it failed
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
  show("[data-search-noscript]", false);
  page.hidden = false;
  if (words.value.trim() || Object.keys(picked(page)).length) run();
  // The list of parts is small: asked for now, it says at once whether there is an index at all.
  source.parts.catch(() => {
    page.hidden = true;
    show("[data-search-unavailable]", true);
  });
}

/** The count shown beside each value, as showCounts takes them. */
function shownCounts(page) {
  const counts = {};
  for (const label of page.querySelectorAll("[data-facet] .choices label")) {
    const box = label.querySelector("input");
    (counts[box.name] ??= {})[box.value] = Number(label.querySelector("[data-count]").textContent);
  }
  return counts;
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

/** Where results come from: facets.json without words, Pagefind's index (opened once, when first needed) with them. */
class Source {
  constructor(page) {
    this.page = page;
    this.list = new URL(page.dataset.index, document.baseURI);
    this.parts = partNames(this.list);
    this.index = null;
  }

  /** The library's facet data, loaded once. */
  facets() {
    return facetIndex(this.page, this.page.dataset.facets);
  }

  /** The stories with the chosen values, newest first, and the counts, from facets.json. */
  async browse(chosen) {
    const index = await this.facets();
    const { counts, found } = tally(index, chosen);
    const places = Object.keys(chosen).length ? found : index.stories.map((_, s) => s);
    const slice = async (start, end) => places.slice(start, end).map((s) => listed(index, s));
    return { counts, found: { count: places.length, slice } };
  }

  /** Pagefind's index, opened once. */
  open() {
    this.index ??= openIndex(this.list, this.parts).catch((error) => {
      this.index = null; // tried again with the next words
      throw error;
    });
    return this.index;
  }

  /** The stories holding the words, best match first, and the counts, from Pagefind's index. */
  async find(text, chosen) {
    return find(await this.open(), text, chosen);
  }
}

/** A story of facets.json as a result of Pagefind gives it. */
function listed(index, s) {
  const story = index.stories[s];
  const [iso, shown] = index.dates[story[DATE]];
  const customer = index.byName.customer;
  const values = customer ? story[VALUES][index.facets.indexOf(customer)] : [];
  const meta = { title: story[TITLE], date: shown, datetime: iso, summary: story[SUMMARY], lang: story[LANG] };
  if (values.length) meta.customer = customer.label(values[0]);
  return { data: async () => ({ url: `stories/${story[SLUG]}/`, meta, excerpt: "" }) };
}

/** The names of the index's parts listed in `list`, newest first. */
async function partNames(list) {
  const response = await fetch(list, { cache: "no-cache" }); // parts come and go between builds
  if (!response.ok) throw new Error(`${list}: ${response.status}`);
  return response.json();
}

/**
 * The parts of the index listed in `list`, newest first, opened at once as one Pagefind search.
 * Each part's first file is asked for by the same address every time (the others are named by
 * their contents), so the browser keeps it, after asking the server whether it changed.
 */
async function openIndex(list, names) {
  const parts = await names;
  // Paths, not addresses: Pagefind gives each result's address relative to its bundle's path.
  const bundles = parts.map((name) => new URL(`${name}/`, list).pathname);
  const fresh = bundles.map((bundle) =>
    fetch(new URL(`${bundle}pagefind-entry.json?ts=${CACHE_TAG}`, list), { cache: "no-cache" }),
  );
  const pagefind = await import(new URL("pagefind.js", new URL(bundles[0], list)).href);
  const options = { excerptLength: EXCERPT_WORDS, metaCacheTag: CACHE_TAG };
  await fresh[0];
  // Each part's pages carry the part's name as a filter, so a search can be kept to some parts.
  await pagefind.options({ ...options, mergeFilter: { [PART]: parts[0] } });
  await Promise.all(
    bundles.slice(1).map(async (bundle, i) => {
      await fresh[i + 1];
      await pagefind.mergeIndex(bundle, { ...options, mergeFilter: { [PART]: parts[i + 1] } });
    }),
  );
  // Loaded once, so that every search also counts the filter values; while the first words are looked up.
  const filtered = pagefind.filters();
  return { pagefind, parts, filtered, holders: new Map(), searches: new Map() };
}

/** The stories found, and for each facet value how many stories ticking it would give. */
async function find(index, term, chosen) {
  const [kept] = await Promise.all([exactParts(index, term), index.filtered]);
  const search = (filters) => remembered(index, term, kept ? { ...filters, [PART]: { any: kept } } : filters);
  const found = await search(asFilters(chosen));
  const counts = { ...found.filters };
  delete counts[PART];
  // Pagefind counts a value as if ANDed with the current filters. Within a facet values are
  // ORed, so a facet with ticked values is counted from a search without its own filter.
  for (const name of Object.keys(chosen)) {
    counts[name] = (await search(asFilters(chosen, name))).filters[name] || {};
  }
  return { found: inOrder(found.results), counts };
}

/**
 * The parts whose matches one index of every page would also give, or null for all of them.
 * A part that lacks a word (and every longer word starting with it) matches the longest
 * shorter word it has instead ("s" for "served"), which one index does only when no page has
 * the word. So where some part holds a word exactly, only the parts that hold it are searched.
 */
async function exactParts(index, term) {
  if (/^\s*".+"\s*$/.test(term)) return null; // a phrase is matched exactly already
  const words = term.split(/\s+/).filter(Boolean);
  const holding = await Promise.all(words.map((word) => holders(index, word)));
  let kept = null;
  for (const parts of holding) {
    if (parts.length) kept = kept ? kept.filter((name) => parts.includes(name)) : parts;
  }
  return kept;
}

/**
 * Pagefind's search for words and filters, kept for the next few searches: ticking a value
 * counts its facet from the search before it was ticked.
 */
function remembered(index, term, filters) {
  const key = JSON.stringify([term, filters]);
  const { searches } = index;
  if (!searches.has(key)) {
    searches.set(key, index.pagefind.search(term, { filters }));
    if (searches.size > SEARCHES_KEPT) searches.delete(searches.keys().next().value); // the oldest
  }
  return searches.get(key);
}

/** The names of the parts holding a word exactly, asked once a word (words recur as one types and ticks). */
function holders(index, word) {
  if (!index.holders.has(word)) index.holders.set(word, partsHolding(index.pagefind, word));
  return index.holders.get(word);
}

/** The names of the parts of the index with pages holding a word exactly. */
async function partsHolding(pagefind, word) {
  // No part is named "": Pagefind lists no results, which are slow to pass on, but still counts
  // the results before filters.
  const exact = await pagefind.search(`"${word}"`, { filters: { [PART]: { any: [""] } } });
  const counted = exact.totalFilters[PART] || {};
  return Object.keys(counted).filter((name) => counted[name] > 0);
}

/** Results in the order Pagefind ranked them, the best match first. */
function inOrder(results) {
  return { count: results.length, slice: async (start, end) => results.slice(start, end) };
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
  constructor(page, whole) {
    this.page = page;
    this.list = page.querySelector("[data-results]");
    this.status = page.querySelector("[data-status]");
    this.more = page.querySelector("[data-more]");
    this.whole = whole; // every story, newest first, which the page lists the first of
    this.found = whole;
    this.words = "";
    this.first = { items: [...this.list.children], status: this.status.textContent, more: this.more.hidden };
    this.more.addEventListener("click", () => this.next(() => true));
  }

  /** List the newest stories again, as the page came. */
  again() {
    this.found = this.whole;
    this.words = "";
    this.list.replaceChildren(...this.first.items);
    this.status.textContent = this.first.status;
    this.more.hidden = this.first.more;
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

// Last, so that the classes above are defined when the page starts.
const page = document.querySelector("[data-search]");
if (page) start(page);
