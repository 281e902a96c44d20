"""A JSON Schema of story front matter, with the site's vocabulary as the allowed terms."""

from __future__ import annotations

from typing import Any

from .config import SiteConfig
from .story import MODES
from .storyfields import LANGUAGE_CODE, REQUIRED, STATUSES
from .vocabulary import SLUG, Term

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DATE = r"^\d{4}-\d\d-\d\d([ tT].*)?$"  # what storyfields.date_at reads: a date, maybe a time after it

Schema = dict[str, Any]

SCHEMA_TITLE = "Story front matter for "  # how a schema insole wrote is known again


def story_schema(config: SiteConfig) -> Schema:
    """The schema every story's front matter should meet, for editors that complete and check YAML."""
    vocabulary = config.vocabulary
    text = {"type": "string"}
    properties: dict[str, Schema] = {
        "title": {"type": "string", "minLength": 1, "description": "The story's title."},
        "date": date("When it happened or was written down, as YYYY-MM-DD."),
        "slug": {
            "type": "string",
            "pattern": f"^{SLUG.pattern}$",
            "description": "The address of the story's page; made from the file name when left out.",
        },
        "customer": {**text, "description": "Who the customer is."},
        "source": {**one_of(vocabulary.sources), "description": "How we learned it."},
        "needs": terms(vocabulary.needs, "What the customer wants to achieve or avoid."),
        "achieve": {**text, "description": "What the customer wanted to achieve, in their words."},
        "avoid": {**text, "description": "What the customer wanted to avoid, in their words."},
        "processes": terms(vocabulary.processes, "Our processes the story touches."),
        "co_creation": co_creation(vocabulary.co_creation),
        "related": {
            "type": "array",
            "items": {"type": "string", "pattern": f"^{SLUG.pattern}$"},
            "description": "Other stories, by slug.",
        },
        "status": {"enum": list(STATUSES), "description": "Drafts are left out unless --drafts."},
        "author": {**text, "description": "Who wrote it up."},
        "summary": {**text, "description": "A summary; the first paragraph when left out."},
        "review_by": date("A date after which the story should be checked again."),
        "language": {
            "type": "string",
            "pattern": f"^{LANGUAGE_CODE.pattern}$",
            "description": "The story's language when it differs from the site's, such as sv or da.",
        },
        "allow_personal_data": {
            "type": "array",
            "items": text,
            "description": "E-mail addresses, phone or identity numbers that may be published.",
        },
    }
    for grouping in vocabulary.extra:
        declared = vocabulary.grouping(grouping.key)
        properties[grouping.key] = {**terms(declared, grouping.title("en") + "."), "minItems": 0}
    return {
        "$schema": DRAFT,
        "title": f"{SCHEMA_TITLE}{config.title}",
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED),
        "additionalProperties": False,
    }


def date(description: str) -> Schema:
    """A date written YYYY-MM-DD."""
    return {"type": "string", "pattern": DATE, "description": description}


def one_of(declared: dict[str, Term]) -> Schema:
    """One declared term; any text when the grouping declares none."""
    return {"enum": list(declared)} if declared else {"type": "string"}


def terms(declared: dict[str, Term], description: str) -> Schema:
    """A list of at least one declared term, each once."""
    return {
        "type": "array",
        "items": one_of(declared),
        "minItems": 1,
        "uniqueItems": True,
        "description": " ".join(filter(None, (description, choices(declared)))),
    }


def co_creation(declared: dict[str, Term]) -> Schema:
    """The list of co-creation entries: an opportunity, a mode and a note."""
    entry = {
        "type": "object",
        "properties": {
            "opportunity": {**one_of(declared), "description": choices(declared)},
            "mode": {"enum": list(MODES)},
            "note": {"type": "string"},
        },
        "required": ["opportunity", "mode"],
        "additionalProperties": False,
    }
    return {
        "type": "array",
        "items": entry,
        "description": "Where the customer could create value together with us, and how.",
    }


def choices(declared: dict[str, Term]) -> str:
    """The declared terms with their titles, for an editor's hover text."""
    return "; ".join(f"{slug}: {term.title}" for slug, term in declared.items())
