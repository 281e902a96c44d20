"""Starting points written for people: a new library (`insole init`) and a new story (`insole new`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .config import SiteConfig
from .errors import did_you_mean
from .story import MODES, slugify
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
        file.write(("" if text.endswith("\n") or not text else "\n") + "".join(f"{line}\n" for line in missing))
    return path


def unknown_terms(chosen: Sequence[str], declared: dict[str, Term], grouping: str) -> list[str]:
    """A message for each chosen term that site.yaml does not declare."""
    messages = []
    for term in chosen:
        if term not in declared:
            hint = did_you_mean(term, declared) or "choose one of: " + ", ".join(declared)
            messages.append(f"'{term}' is not declared in {grouping} ({hint})")
    return messages


def story_text(
    config: SiteConfig,
    title: str,
    today: dt.date,
    needs: Sequence[str] = (),
    processes: Sequence[str] = (),
    source: str = "",
) -> str:
    """A new story's file: what was given filled in, the rest with the vocabulary as comments."""
    vocabulary = config.vocabulary
    lines = [
        "---",
        f"title: {quote(title)}",
        f"date: {today.isoformat()}",
        "customer: ",
        f"source: {source}" + choices(vocabulary.sources),
        f"needs: [{', '.join(needs)}]" + choices(vocabulary.needs),
        "achieve: ",
        "avoid: ",
        f"processes: [{', '.join(processes)}]" + choices(vocabulary.processes),
        "co_creation: []" + choices(vocabulary.co_creation),
        f"#  - {{opportunity: ..., mode: {' | '.join(MODES)}, note: ...}}",
        *(
            f"{grouping.key}: []" + choices(vocabulary.grouping(grouping.key))
            for grouping in vocabulary.extra
        ),
        "related: []",
        "status: published",
        "---",
        "What happened, in the customer's own words where you can:",
        "",
        '> "..."',
        "",
    ]
    return "\n".join(lines)


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


def new_story_path(config: SiteConfig, title: str) -> Path:
    """Where a story with this title goes: its slug, cut at a word to fit a folder name."""
    slug = slugify(title)
    if len(slug) > SLUG_LENGTH:
        slug = slug[: SLUG_LENGTH + 1].rsplit("-", 1)[0][:SLUG_LENGTH]
    return config.content_dir / STORIES / f"{slug or 'story'}.md"
