"""Starting points written for people: a new library (`insole init`) and a new story (`insole new`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .errors import did_you_mean
from .story import MODES, slugify
from .storyfields import LISTED as REQUIRED_LISTS
from .storyfiles import STORIES
from .vocabulary import SLUG_LENGTH, Term

SITE_YAML = """\
title: Customer stories
description: What our customers taught us, in their own words.
language: en                 # interface language: en, sv or da
base_url: /                  # where the site will be hosted
output: _site
needs:                       # what customers want to achieve or avoid
  get-help-quickly:
    title: Get help quickly
    kind: achieve
    description: Customers want an answer while they still have the problem in front of them.
  repeat-themselves:
    title: Having to repeat themselves
    kind: avoid
    description: Telling the same story to a second person is the moment patience runs out.
processes:                   # our processes, in the order of the customer's journey
  purchase: Purchase
  delivery: Delivery
  support:
    title: Support
    description: Phone, chat and e-mail, from the first question to the last follow-up.
co_creation:                 # where we could create value together with customers
  call-listening:
    title: Listening to calls together
    description: Customers and staff listen to recorded calls and mark where things went wrong.
sources:                     # how we learned it
  support-call: Support call
  home-visit: Home visit
"""

EXAMPLE_STORY = """\
---
title: The customer who called three times
date: {date}
customer: Small business owners
source: support-call
needs: [get-help-quickly, repeat-themselves]
achieve: The invoice question answered in one call
avoid: Explaining the whole order again to someone new
processes: [support]
co_creation:
  - opportunity: call-listening
    mode: synchronous
    note: Listen to the three calls together with the customer
status: published
---
A bakery owner called about one invoice three times in a week. Each time a new person
picked up, and each time she started from the beginning.

> "I'm not angry about the invoice. I'm angry that nobody knows I've called before."

What we noticed: the answer took two minutes; getting to the question took ten.
"""

README = """\
# {title}

A library of customer stories, published with insole.

Build the site with `insole build` (it is written to `_site/`); add a story with
`insole new "Title of the story"`.
"""

DRAFT_NOTE = "publish it once it names its needs and processes"
TAG = re.compile(r"<[^>]*>")
DESCRIBED_LENGTH = 70  # how much of a term's description a list to choose from shows
# What a build writes into the library: the site, and beside it its lock and the folders it is
# put together in. The cache lives outside the library (see cache.py), so it needs no line.
IGNORED = ("/_site/", "/._site.*")
GITIGNORE = "# written by insole build\n" + "".join(line + "\n" for line in IGNORED)
# What may already be in a folder a library starts in: a fresh `git init`.
BEFORE_INIT = (".git", ".gitignore")


def init_library(folder: Path, today: dt.date) -> list[Path]:
    """Write a new library into an empty or new folder; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [ignore_output(folder / ".gitignore")]
    files = {
        folder / "site.yaml": SITE_YAML,
        folder / "README.md": README.format(title="Customer stories"),
        folder / "content" / STORIES / "the-customer-who-called-three-times.md": EXAMPLE_STORY.format(
            date=today.isoformat()
        ),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [*files, *(path for path in written if path)]


def ignore_output(path: Path) -> Path | None:
    """Add the lines git needs to leave the built site alone; the path if it wrote any.

    A .gitignore already there keeps every line it has; only the missing lines are added.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        path.write_text(GITIGNORE, encoding="utf-8")
        return path
    missing = [line for line in IGNORED if line not in text.splitlines()]
    if not missing:
        return None
    with path.open("a", encoding="utf-8") as file:
        start = "" if text.endswith("\n") or not text else "\n"
        file.write(start + "".join(f"{line}\n" for line in missing))
    return path


@dataclass(frozen=True)
class Chosen:
    """What is given for a new story: each grouping's terms by its key, co-creation as (opportunity, mode).

    The story form gives more: the texts (customer, achieve, avoid), a note to each co-creation
    entry (in its order, '' for none), related stories and the body.
    """

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    co_creation: tuple[tuple[str, str], ...] = ()
    texts: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    body: str = ""

    def of(self, key: str) -> tuple[str, ...]:
        """The terms chosen of one grouping."""
        return self.terms.get(key, ())

    @property
    def complete(self) -> bool:
        """True when it has what a published story needs: a need and a process."""
        return all(self.of(key) for key in REQUIRED_LISTS)


def unknown_terms(chosen: Sequence[str], declared: dict[str, Term], grouping: str, option: str) -> list[str]:
    """A message, naming the option, for each chosen term that site.yaml does not declare."""
    messages = []
    for term in chosen:
        if term not in declared:
            hint = did_you_mean(term, declared) or "choose one of: " + ", ".join(declared)
            messages.append(f"{option}: '{term}' is not declared in {grouping} ({hint})")
    return messages


def unknown_co_creation(given: Sequence[str], declared: dict[str, Term]) -> list[str]:
    """A message for each --co-creation that is not a declared OPPORTUNITY:MODE."""
    messages = []
    for entry in given:
        opportunity, _, mode = entry.partition(":")
        messages += unknown_terms([opportunity], declared, "co_creation", "--co-creation")
        if mode not in MODES:
            hint = did_you_mean(mode, MODES) or "write OPPORTUNITY:" + " or OPPORTUNITY:".join(MODES)
            wrong = f"'{mode}' is not a mode" if mode else f"'{entry}' has no mode"
            messages.append(f"--co-creation: {wrong} ({hint})")
    return messages


def ask_terms(key: str, declared: dict[str, Term], ask: Callable[[str], str]) -> tuple[str, ...]:
    """The terms a person picks by number or slug from the declared ones; none for an empty answer."""
    listed = list(declared)
    question = "\n".join(
        [
            f"{key} (numbers or slugs, separated by spaces; nothing for none):",
            *(f"  {number}. {slug}: {described(declared[slug])}" for number, slug in enumerate(listed, 1)),
            f"{key}: ",
        ]
    )
    while True:
        words = ask(question).replace(",", " ").split()
        picked = [listed[int(w) - 1] if w.isdigit() and 0 < int(w) <= len(listed) else w for w in words]
        wrong = unknown_terms(picked, declared, key, key)
        if not wrong:
            return tuple(dict.fromkeys(picked))
        question = "\n".join([*wrong, f"{key}: "])


def described(term: Term) -> str:
    """A term's title, and the first line of its description, shortened, for a list to choose from."""
    text = html.unescape(TAG.sub("", term.description)).strip()  # the description is its HTML
    first = text.split("\n", 1)[0]
    if len(first) > DESCRIBED_LENGTH:
        first = first[: DESCRIBED_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return f"{term.title} ({first})" if first else term.title


def story_text(config: SiteConfig, title: str, today: dt.date, chosen: Chosen | None = None) -> str:
    """A new story's file: what was given filled in, the rest with the vocabulary as comments.

    Without a need and a process it is a draft, so that the next build passes.
    """
    chosen = chosen or Chosen()
    vocabulary = config.vocabulary
    lines = [
        "---",
        f"title: {quote(title)}",
        f"date: {today.isoformat()}",
        f"customer: {said(chosen, 'customer')}",
        f"source: {''.join(chosen.of('sources'))}" + choices(vocabulary.sources),
        f"needs: [{', '.join(chosen.of('needs'))}]" + choices(vocabulary.needs),
        f"achieve: {said(chosen, 'achieve')}",
        f"avoid: {said(chosen, 'avoid')}",
        f"processes: [{', '.join(chosen.of('processes'))}]" + choices(vocabulary.processes),
        ("co_creation:" if chosen.co_creation else "co_creation: []") + choices(vocabulary.co_creation),
        *co_creation_lines(chosen),
        f"#  - {{opportunity: ..., mode: {' | '.join(MODES)}, note: ...}}",
        *(
            f"{grouping.key}: [{', '.join(chosen.of(grouping.key))}]"
            + choices(vocabulary.grouping(grouping.key))
            for grouping in vocabulary.extra
        ),
        f"related: [{', '.join(chosen.related)}]",
        "status: published" if chosen.complete else f"status: draft  # {DRAFT_NOTE}",
        "---",
    ]
    if chosen.body.strip():
        return "\n".join(lines) + "\n" + chosen.body.rstrip("\n") + "\n"
    return "\n".join([*lines, "What happened, in the customer's own words where you can:", "", '> "..."', ""])


def said(chosen: Chosen, key: str) -> str:
    """A text given for a new story, quoted; nothing when none was given."""
    text = chosen.texts.get(key, "")
    return quote(text) if text else ""


def co_creation_lines(chosen: Chosen) -> list[str]:
    """The co-creation entries of a new story, one a line, each with its note when it has one."""
    notes = chosen.notes + ("",) * len(chosen.co_creation)
    return [
        f"  - {{opportunity: {slug}, mode: {mode}" + (f", note: {quote(note)}}}" if note else "}")
        for (slug, mode), note in zip(chosen.co_creation, notes, strict=False)
    ]


def choices(terms: dict[str, Term]) -> str:
    """A YAML comment listing the declared terms to choose from."""
    return f"  # {', '.join(terms)}" if terms else ""


def quote(text: str) -> str:
    """Text as a double-quoted YAML string that reads back as the same text."""
    return '"' + "".join(quote_char(char) for char in text) + '"'


def quote_char(char: str) -> str:
    """One character as it may stand inside a double-quoted YAML string."""
    if char in '\\"':
        return "\\" + char
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:  # a byte of the command line that was not UTF-8
        return "\ufffd"
    # YAML refuses control characters and reads line and paragraph separators as line breaks
    if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
        return f"\\u{code:04x}"
    return char


def write_new(path: Path, text: str) -> None:
    """Write a new file; raises FileExistsError rather than write over one that is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": never over a file that is there
        try:
            file.write(text)
        except BaseException:
            path.unlink()  # the empty file just made, not a story
            raise


def new_story_path(config: SiteConfig, title: str) -> Path:
    """Where a story with this title goes: its slug, cut at a word to fit a folder name."""
    return config.content_dir / STORIES / f"{new_story_slug(title) or 'story'}.md"


def new_story_slug(title: str) -> str:
    """The slug of a new story with this title, cut at a word to fit a folder name; '' if it makes none."""
    slug = slugify(title)
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0][:SLUG_LENGTH]
    return slug
