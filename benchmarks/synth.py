"""A synthetic customer-story library of any size, the same for the same size and seed.

Usage: python benchmarks/synth.py N DIR [--seed S]

Writes DIR/site.yaml (40 needs, 15 processes, 12 co-creation opportunities, 8 sources) and
N stories under DIR/content/stories/<year>/. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SEED = 2024
FIRST_DAY = dt.date(2021, 1, 1)
DAYS = 5 * 365
BODY_WORDS = 500
RELATED_WINDOW = 300
TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "Æ": "ae", "Ø": "o"})
YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
PLAIN = re.compile(r"[A-Za-z0-9ÅÄÖÆØåäöæøüé][\w ,.'’()/-]*")

ACHIEVE = [
    ("assemble-without-help", "Assemble furniture without help", "the same evening, alone"),
    ("furnish-on-a-budget", "Furnish a home on a tight budget", "when every krona counts"),
    ("make-small-space-work", "Make a small space work for daily life", "in a few square metres"),
    ("plan-together", "Plan together with the whole household", "with everyone who lives there"),
    ("feel-at-home-quickly", "Feel at home soon after moving", "in the first weeks"),
    ("stay-in-own-home", "Keep living in one's own home", "for as long as possible"),
    ("stay-connected-at-home", "Stay connected at home", "where the household actually sits"),
    ("reach-a-person", "Reach someone who can help", "at the time the problem happens"),
    ("get-everything-in-one-trip", "Get everything home in one trip", "without a borrowed car"),
    ("see-it-before-buying", "See how it looks before buying", "in the customer's own room"),
    ("keep-children-safe", "Keep small children safe at home", "from the first day"),
    ("work-from-home", "Work comfortably from home", "at the kitchen table or a real desk"),
    ("sleep-well", "Sleep well in a new bed", "after the first night"),
    ("cook-for-the-family", "Cook for the whole family in a small kitchen", "on weekday evenings"),
    ("store-seasonal-things", "Store what is only used part of the year", "out of the way"),
    ("move-without-stress", "Move house without stress", "between two leases"),
    ("repair-instead-of-replace", "Repair rather than replace", "with one spare part"),
    ("host-guests", "Have room for guests now and then", "without a guest room"),
    ("choose-with-confidence", "Choose with confidence among many options", "without regret"),
    ("live-sustainably", "Live with fewer and longer-lasting things", "over many years"),
]
AVOID = [
    ("second-trip", "A second trip to the store", "for a missing screw or a wrong size"),
    ("left-halfway", "Being left with the job half done", "in the stairwell"),
    ("damage-at-home", "Damage to the home or the stairwell", "that costs the deposit"),
    ("accidents-at-home", "Accidents at home", "that nobody plans for"),
    ("lost-day", "Losing a day waiting at home", "for a four-hour window"),
    ("pointless-questions", "Answering questions that serve someone else", "in long surveys"),
    ("hidden-costs", "Costs that show up too late", "after the purchase"),
    ("missing-parts", "Missing parts in the box", "discovered at ten in the evening"),
    ("wrong-size", "Furniture that does not fit", "through the door or under the window"),
    ("long-queues", "Long queues at the till", "with tired children"),
    ("waiting-on-hold", "Waiting on hold", "while the problem is still there"),
    ("conflicting-answers", "Different answers from different people", "about the same order"),
    ("heavy-lifting", "Carrying heavy boxes up the stairs", "without a lift"),
    ("cardboard-mountain", "A mountain of packaging to get rid of", "in a small flat"),
    ("jargon", "Words and instructions nobody understands", "at the moment they matter"),
    ("broken-on-arrival", "Damaged goods on arrival", "that have to go back"),
    ("feeling-rushed", "Feeling rushed into a decision", "at the till"),
    ("unclear-delivery-time", "Not knowing when the delivery comes", "on the day itself"),
    ("repeat-the-story", "Telling the same story to every new person", "on every call"),
    ("wasted-purchase", "A purchase that ends up unused", "on the balcony"),
]
PROCESSES = [
    ("inspiration", "Inspiration", "Showrooms, catalogue and website, where customers first picture it."),
    ("planning", "Planning and design", "Floor plans, kitchen and wardrobe planning, in store or online."),
    ("measuring", "Measuring", ""),
    ("purchase", "Purchase and checkout", "Choosing options at the till or online."),
    ("payment", "Payment and financing", ""),
    ("delivery", "Delivery", "From the warehouse to the door, or further, with the *time window*."),
    ("assembly-instructions", "Assembly instructions", ""),
    ("assembly-service", "Assembly service", "Fitters assembling and fixing furniture at home."),
    ("support", "Customer support", "Phone, chat and email, including **missing parts**."),
    ("spare-parts", "Spare parts", ""),
    ("returns", "Returns and exchanges", "The returns desk, return transport and the reasons we record."),
    ("recycling", "Take-back and recycling", ""),
    ("home-adaptation", "Home adaptation", "Adapting homes for older people with our care partner."),
    ("follow-up", "Follow-up after the purchase", ""),
    ("loyalty", "Membership and loyalty", "The member programme and what it promises."),
]
CO_CREATION = [
    ("instruction-testing", "Testing instructions with first-time buyers"),
    ("parts-photo", "Missing parts by photo"),
    ("video-planning", "Planning over video with a designer"),
    ("shared-floor-plan", "A shared floor plan"),
    ("handover-walkthrough", "Walking through the handover together"),
    ("home-panel", "A panel of households we live with"),
    ("first-weeks-diary", "A diary of the first weeks"),
    ("care-plan-together", "Planning home adaptation with the person and family"),
    ("coverage-mapping", "Residents map their coverage"),
    ("repair-cafe", "Repair evenings in the store"),
    ("range-review", "Customers review the range before launch"),
    ("store-walk", "Walking the store with a customer"),
]
SOURCES = [
    ("support-call", "Support call", ""),
    ("home-visit", "Home visit", ""),
    ("living-with-customers", "Living with customers", "A colleague moves in with a household."),
    ("store-observation", "Store observation", "Watching, with permission, how customers move."),
    ("interview", "Interview", ""),
    ("survey-comment", "Survey comment", "A free-text comment read by a person, not only scored."),
    ("returns-desk", "Returns desk conversation", ""),
    ("delivery-ride-along", "Delivery ride-along", "A day in the cab with a delivery crew."),
]
CUSTOMERS = [
    "Families furnishing a first home",
    "Par som flyttar ihop",
    "Students in shared flats",
    "Ældre der bor alene",
    "Single parents with two homes",
    "Small cafés furnishing on a budget",
    "Pensionärer i radhus",
    "Families with small children",
    "Unga som flyttar hemifrån",
    "Børnefamilier i lejlighed",
    "Households with a partner broadband subscription",
    "People moving after a separation",
    "Older people after a hospital stay",
    "Landlords furnishing rentals",
    "Remote workers in small flats",
    "Familjer på landsbygden",
    "Expats settling in Stockholm",
    "Studerende på kollegium",
    "Grandparents who host grandchildren",
    "People with reduced mobility",
    "Seniorer som flyttar till lägenhet",
    "Summer-house owners",
    "Kollektiv med fem vuxna",
    "First-time buyers of a kitchen",
    "Nyindflyttede på Østerbro",
    "Shift workers who sleep by day",
    "Families with a teenager",
    "Små företag med kontor hemma",
    "Customers who return often",
    "Par der bygger om",
]
AUTHORS = [
    "Åsa Lindström",
    "Søren Kjærgaard",
    "Märta Öberg",
    "Jens Ødegård",
    "Priya Raman",
    "Johan Bergqvist",
    "Mette Bækgaard",
    "Björn Åkesson",
    "Aino Mäkelä",
    "Liv Sørensen",
    "Karin Nyström",
    "Omar Haddad",
    "Freja Holm",
    "Emil Strøm",
    "Sofia Ekström",
    "Nils Jørgensen",
]
NAMES = [
    "Lena", "Sara", "Åke", "Björn", "Märta", "Søren", "Ærling", "Øystein", "Maja", "Jonas",
    "Fatima", "Ingrid", "Mads", "Sigrid", "Yusuf", "Hanna", "Örjan", "Kirsten", "Astrid", "Mikkel",
    "Elin", "Rasmus", "Leila", "Tove", "Bjørn", "Greta", "Ali", "Nora", "Ebba", "Frederik",
]  # fmt: skip
OBJECTS = [
    "wardrobe", "sofa", "bunk bed", "kitchen island", "bookcase", "router", "rising chair",
    "chest of drawers", "desk", "dining table", "screw bag", "floor lamp", "mattress",
    "shoe cabinet", "sideboard",
]  # fmt: skip
PLACES = [
    "the stairwell", "the hall", "the loading dock", "the attic flat", "the summer house",
    "the basement storage", "the third floor", "the balcony", "the car park", "the returns desk",
]  # fmt: skip
EN_TITLES = [
    "{name} and the {obj} at {place}",
    "The {obj} that never reached {place}",
    "Why {name} measured {place} twice",
    "A {obj} for {place} in {city}",
    "{name}, the {obj} and a long {weekday}",
    "{name}'s {obj} in {city}",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NORDIC_TITLES = [
    (
        ["Garderoben", "Soffan", "Våningssängen", "Köksön", "Bokhyllan", "Routern", "Byrån", "Matbordet"],
        ["på Söder", "i Malmö", "i Västerås", "på vinden", "i trapphuset", "i Göteborg", "vid lastkajen",
         "i sommarstugan", "i Umeå", "på Öland", "i Örebro", "i Luleå"],
        "och",
    ),
    (
        ["Garderoben", "Sofaen", "Køjesengen", "Køkkenøen", "Reolen", "Kommoden", "Spisebordet",
         "Gulvlampen"],
        ["i Høje-Taastrup", "på Østerbro", "i Århus", "i kælderen", "på fjerde sal", "i Ålborg",
         "i Næstved", "i sommerhuset", "på Nørrebro", "i Køge", "på Ærø", "i Brønshøj"],
        "og",
    ),
]  # fmt: skip
SENTENCES = [
    # Code spans and links as support notes write them: order numbers, part codes, case links.
    "The order number `{number}` was on the receipt, but the system knew it as `{number}-B`.",
    "The fittings bag was marked `{number}` and the instructions asked for `{number}-C`.",
    "The case is in the [support log](https://support.example.com/cases/{number}), tagged `no-fault-found`.",
    "{name} read the error code `E{number}` from the display twice before the agent believed it.",
    "{name} had taken the day off for the delivery and spent most of it at the window.",
    "The {obj} arrived in four boxes, and the heaviest one was labelled with a number nobody could find.",
    "We met in the kitchen in {city}, where {name} had cleared the table to make room for the instructions.",
    "It was the third call about the same order in two weeks, and each time a new person answered.",
    "The flat was on the fourth floor without a lift, and the stairwell turned sharply twice.",
    "{name} had measured the room carefully, but not the door to the bedroom or the turn in the hall.",
    "Two of the children were home, and both wanted to help with the screwdriver.",
    "Nobody in the household had read the delivery terms before choosing the cheapest option.",
    "The {obj} stood half assembled in the middle of the room when I arrived.",
    "Most of the conversation was not about the {obj} at all, but about how the family lives.",
    "{name} showed me a photo of the fittings laid out on the floor, counted twice.",
    "Our own records said the case was closed, while for {name} it had barely started.",
    "I had expected a complaint about the price; instead we talked about time and about the neighbours.",
    "The agent on the phone asked a question that is not in our script, and it changed everything.",
    "The packaging filled half the hall, and the recycling room in the courtyard was locked.",
    "After an hour we had found the missing part: it was taped inside the largest box.",
    "In {city}, the nearest store is an hour away by bus, so a second trip is a whole afternoon.",
    "{name} keeps a notebook with every order number, because the system never seems to remember.",
    "We sat on the floor with the floor plan between us and drew the furniture in pencil.",
    "The fitter arrived on time, but had been told to assemble a different model.",
    "Later that week I listened to twenty more calls, and the same pattern came up again and again.",
    "The grandmother could not get up from the low sofa without help, and nobody had thought of it.",
    "Everyone agreed the {obj} looked right in the showroom; at home it took over the room.",
    "{name} had done everything we asked, and still ended up doing our part of the job as well.",
    "The survey after the purchase had asked about the friendliness of the staff, not about the stairs.",
    "On the way out, {name} asked whether anyone ever reads what customers write in the comment box.",
    "The evening light in the flat is poor, so most of the assembly happened under a phone's torch.",
    "For the household, the job is done when they can sit down in the evening and feel at home.",
    "We often count what is easy to count, and this was not one of those things.",
    "The delivery crew would have liked to help, but the insurance stops at the front door.",
    "{name} laughed when I asked about the instructions, and then fetched them from the recycling bin.",
    "By the time the {obj} was in place, the children had built a den out of the boxes.",
    "A neighbour from the floor below came up to help carry, and stayed for coffee.",
    "The order confirmation listed eleven items; the van brought nine.",
    "In the store in {city}, the staff knew the problem well and had a workaround of their own.",
    "It took us a while to understand that the real question was where the household would eat.",
]
QUOTES = [
    "I didn't want a cheaper sofa. I wanted the sofa in the living room, today.",
    "I counted the screws twice. There were seven, and the page said eight.",
    "Jag trodde att leverans betydde att soffan kom hem.",
    "Vi får inte. Försäkringen gäller bara till porten.",
    "Jeg har ringet tre gange, og hver gang skal jeg forklare det hele forfra.",
    "Det er ikke møblerne, der gør det svært. Det er alt det omkring dem.",
    "So it was never broken. It was just in the wrong place.",
    "Nobody asked me where the bed would go. They only asked if I was satisfied.",
    "Vi bor på fjärde våningen utan hiss. Det borde stå någonstans i ordern.",
    "I'd rather pay for someone to carry it than lose another Saturday.",
    "Når jeg endelig får fat i nogen, er det aldrig den samme person.",
    "We bought it for the children, and now it's where the cat sleeps.",
]
LIST_ITEMS = [
    "ask where the {obj} will stand before the customer pays",
    "show the difference between delivery to the door and delivery to the room, with the price",
    "let the crew sell carrying on the spot when they have time",
    "send the fittings list by text the evening before",
    "ask one question at the end of a call, and read every answer",
    "keep one person on the case from the first call to the last",
    "photograph the open box in the warehouse before it leaves",
    "offer a pickup for the packaging on the same visit",
    "add the stairwell and the lift to the order form",
    "call back at the time the customer chose, not the time that suits us",
    "test the instructions with people who have never assembled anything",
    "tell the household the delivery hour, not a four-hour window",
]
HEADINGS = ["What I noticed", "What it means for us", "Vad jag såg", "Hvad vi lærte", "What we changed"]
CITIES = ["Malmö", "Göteborg", "Århus", "Västerås", "Høje-Taastrup", "Umeå", "Ålborg", "Norrköping"]
NOTES = [
    "{name} sends a photo from home the same evening",
    "The household marks the pages where they got stuck",
    "A short call with the whole family, including the grandparents",
    "Customers check together with the driver before the van leaves",
    "Residents mark the rooms where it fails",
    "Kunden ritar på samma planlösning som designern",
    "Familien skriver en linje om dagen i to uger",
]
SUMMARIES = [
    "Why the job is not done when the {obj} reaches the door.",
    "What {name} taught us about the last ten metres of a delivery.",
    "A small change in the script that saved three calls.",
    "Hur en enkel fråga sparade en hel eftermiddag.",
    "Hvorfor kunden ringede tre gange om den samme {obj}.",
]
GOALS = [
    "The {obj} stands in the room the same evening",
    "One call, one person, one answer",
    "Room for everyone at the table",
    "Soffan står i vardagsrummet samma dag",
]
FEARS = [
    "A second trip for missing screws",
    "A {obj} in the stairwell and a note from the neighbours",
    "Another day off work spent waiting",
    "En arg lapp från grannen",
]


@dataclass(frozen=True)
class Term:
    """A declared term: slug, title, Markdown description and, for needs, its kind."""

    slug: str
    title: str
    description: str = ""
    kind: str = ""


@dataclass(frozen=True)
class CoCreation:
    """One co-creation entry of a story."""

    opportunity: str
    mode: str
    note: str


@dataclass(frozen=True)
class Story:
    """One synthetic story, ready to be written as front matter and Markdown."""

    name: str
    slug: str
    title: str
    date: dt.date
    customer: str
    source: str
    needs: tuple[str, ...]
    processes: tuple[str, ...]
    co_creation: tuple[CoCreation, ...]
    related: tuple[str, ...]
    author: str
    body: str
    achieve: str = ""
    avoid: str = ""
    summary: str = ""
    review_by: dt.date | None = None

    @property
    def path(self) -> str:
        """Where the story lives below content/stories/."""
        return f"{self.date.year}/{self.name}.md"


@dataclass
class Library:
    """A whole synthetic library: vocabulary and stories."""

    needs: list[Term]
    processes: list[Term]
    co_creation: list[Term]
    sources: list[Term]
    popular_needs: list[str] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)


def slugify(text: str) -> str:
    """The slug insole makes from a file name: Nordic letters transliterated, ASCII words."""
    text = unicodedata.normalize("NFKD", text.lower().translate(TRANSLITERATE))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")


def file_name(title: str) -> str:
    """A file name from a title, keeping Nordic letters: lowercase words joined by hyphens."""
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")


def vocabulary(rng: random.Random) -> Library:
    """The declared needs, processes, co-creation opportunities and sources."""
    needs = [need_term(rng, *n, "achieve") for n in ACHIEVE] + [need_term(rng, *n, "avoid") for n in AVOID]
    processes = [Term(slug, title, text) for slug, title, text in PROCESSES]
    co_creation = [Term(slug, title, opportunity_text(rng, title)) for slug, title in CO_CREATION]
    sources = [Term(slug, title, text) for slug, title, text in SOURCES]
    return Library(needs, processes, co_creation, sources)


def need_term(rng: random.Random, slug: str, title: str, where: str, kind: str) -> Term:
    """A need with a two-sentence Markdown description."""
    verb = "Customers want to" if kind == "achieve" else "Customers want to avoid"
    what = title[0].lower() + title[1:]
    detail = rng.choice(
        [
            "It comes up on *support calls* and in home visits alike.",
            "Stories show it most clearly **after** the purchase, not before.",
            "It weighs more for households with little time or money.",
            "We hear it in Malmö, in Århus and in Høje-Taastrup, in much the same words.",
            "Often the customer does not say it; it shows in what they *do*.",
        ]
    )
    return Term(slug, title, f"{verb} {what} — {where}. {detail}", kind)


def opportunity_text(rng: random.Random, title: str) -> str:
    """A Markdown description of a co-creation opportunity."""
    how = rng.choice(["live, on a call or at home", "asynchronously, in their own time", "in the store"])
    return f"{title}: customers and our staff work on it *together*, {how}. Started in Malmö and Århus."


def weights(count: int, skew: float) -> list[float]:
    """Zipf-like weights for picking terms: the first terms common, the last rare."""
    return [1 / (rank**skew) for rank in range(1, count + 1)]


def pick(rng: random.Random, items: list[str], wanted: int, skew: float) -> tuple[str, ...]:
    """`wanted` distinct items, the first items of the list picked far more often than the last."""
    chosen: dict[str, None] = {}
    table = weights(len(items), skew)
    while len(chosen) < wanted:
        chosen[rng.choices(items, table)[0]] = None
    return tuple(chosen)


def fill(rng: random.Random, template: str) -> str:
    """A template with a random name, object, place, city and weekday filled in."""
    return template.format(
        name=rng.choice(NAMES),
        obj=rng.choice(OBJECTS),
        place=rng.choice(PLACES),
        city=rng.choice(CITIES),
        weekday=rng.choice(WEEKDAYS),
        number=rng.randint(1000, 99999),
    )


def make_title(rng: random.Random) -> str:
    """A story title, in English or (a third of the time) in Swedish or Danish."""
    if rng.random() < 1 / 3:
        objects, places, und = rng.choice(NORDIC_TITLES)
        title = f"{rng.choice(objects)} {rng.choice(places)}"
        return f"{rng.choice(NAMES)} {und} {title[0].lower()}{title[1:]}" if rng.random() < 0.5 else title
    return fill(rng, rng.choice(EN_TITLES))


def unique_name(title: str, used: set[str]) -> tuple[str, str]:
    """A file name and slug for a title, numbered when the slug is taken."""
    base, number = file_name(title), 1
    name = base
    while slugify(name) in used:
        number += 1
        name = f"{base}-{number}"
    used.add(slugify(name))
    return name, slugify(name)


def paragraph(rng: random.Random, deck: list[str], count: int) -> str:
    """A paragraph of `count` sentences dealt from `deck`, reshuffled when it runs out."""
    if len(deck) < count:
        deck[:] = rng.sample(SENTENCES, len(SENTENCES))
    return " ".join(fill(rng, deck.pop()) for _ in range(count))


def bullet_list(rng: random.Random, processes: list[Term]) -> str:
    """A Markdown list of changes, each led by a process name in bold."""
    items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
    return "\n".join(f"- **{rng.choice(processes).title}**: {fill(rng, item)}." for item in items)


def table(rng: random.Random) -> str:
    """A small Markdown table of calls or visits."""
    rows = [
        f"| {label} | {rng.randint(3, 55)} | {rng.choice(['No fault found', 'Part sent', 'Löst', 'Løst'])} |"
        for label in ("First contact", "Second contact", "Third contact")
    ]
    return "\n".join(["| Contact | Minutes | Outcome |", "| --- | ---: | --- |", *rows])


def body(rng: random.Random, processes: list[Term]) -> str:
    """A story of about 500 words: paragraphs, a customer quote, a list, sometimes a table."""
    deck = rng.sample(SENTENCES, len(SENTENCES))
    blocks = [paragraph(rng, deck, rng.randint(3, 5)), paragraph(rng, deck, rng.randint(3, 4))]
    blocks.append(f"> {rng.choice(QUOTES)}")
    if rng.random() < 0.7:
        blocks.append(f"## {rng.choice(HEADINGS)}")
    blocks.append(paragraph(rng, deck, rng.randint(3, 5)))
    blocks.append(bullet_list(rng, processes))
    if rng.random() < 0.3:
        blocks.append(table(rng))
    while sum(len(b.split()) for b in blocks) < BODY_WORDS - 40:
        blocks.append(paragraph(rng, deck, rng.randint(2, 4)))
    return "\n\n".join(blocks) + "\n"


def co_creation(rng: random.Random, opportunities: list[Term]) -> tuple[CoCreation, ...]:
    """Zero to two co-creation entries, each with a mode and a note."""
    chosen = rng.sample(opportunities, rng.choice([0, 0, 1, 1, 2]))
    return tuple(
        CoCreation(o.slug, rng.choice(["synchronous", "asynchronous"]), fill(rng, rng.choice(NOTES)))
        for o in chosen
    )


def story(rng: random.Random, library: Library, date: dt.date, earlier: list[str], used: set[str]) -> Story:
    """One story dated `date`, possibly related to some of the `earlier` slugs."""
    title = make_title(rng)
    name, slug = unique_name(title, used)
    related = rng.sample(earlier[-RELATED_WINDOW:], min(len(earlier), rng.choice([0, 0, 1, 2])))
    review = date + dt.timedelta(days=rng.randint(180, 720)) if rng.random() < 0.2 else None
    return Story(
        name=name,
        slug=slug,
        title=title,
        date=date,
        customer=rng.choice(CUSTOMERS),
        source=rng.choice(library.sources).slug,
        needs=pick(rng, library.popular_needs, rng.randint(1, 3), 1.0),
        processes=pick(rng, [p.slug for p in library.processes], rng.randint(1, 3), 0.5),
        co_creation=co_creation(rng, library.co_creation),
        related=tuple(related),
        author=rng.choice(AUTHORS),
        body=body(rng, library.processes),
        achieve=fill(rng, rng.choice(GOALS)) if rng.random() < 0.5 else "",
        avoid=fill(rng, rng.choice(FEARS)) if rng.random() < 0.5 else "",
        summary=fill(rng, rng.choice(SUMMARIES)) if rng.random() < 0.3 else "",
        review_by=review,
    )


def make_library(count: int, seed: int = SEED) -> Library:
    """A library of `count` stories; the same count and seed give the same library."""
    rng = random.Random(seed)
    library = vocabulary(rng)
    library.popular_needs = rng.sample([n.slug for n in library.needs], len(library.needs))
    dates = sorted(FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)) for _ in range(count))
    used: set[str] = set()
    earlier: list[str] = []
    for date in dates:
        library.stories.append(story(rng, library, date, earlier, used))
        earlier.append(library.stories[-1].slug)
    return library


def text(value: str) -> str:
    """A YAML scalar for a text: plain where that is safe, else double-quoted."""
    if PLAIN.fullmatch(value) and value.lower() not in YAML_WORDS and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def folded(key: str, value: str, indent: int) -> list[str]:
    """A `key: >-` block with the value wrapped below it."""
    pad = " " * indent
    return [
        f"{pad}{key}: >-",
        *textwrap.wrap(value, 88, initial_indent=pad + "  ", subsequent_indent=pad + "  "),
    ]


def site_yaml(library: Library) -> str:
    """The text of site.yaml for a library."""
    lines = [
        "title: Synthetic customer stories",
        "description: A generated library for measuring build times.",
        "language: en",
        "base_url: /",
        "output: _site",
        "",
        "needs:",
    ]
    for need in library.needs:
        lines += [f"  {need.slug}:", f"    title: {text(need.title)}", f"    kind: {need.kind}"]
        lines += folded("description", need.description, 4)
    for grouping, terms in (
        ("processes", library.processes),
        ("co_creation", library.co_creation),
        ("sources", library.sources),
    ):
        lines += ["", f"{grouping}:"]
        for term in terms:
            if not term.description:
                lines.append(f"  {term.slug}: {text(term.title)}")
                continue
            lines += [f"  {term.slug}:", f"    title: {text(term.title)}"]
            lines += folded("description", term.description, 4)
    return "\n".join(lines) + "\n"


def story_text(item: Story) -> str:
    """A story file: YAML front matter between `---` lines, then the Markdown body."""
    lines = ["---", f"title: {text(item.title)}", f"date: {item.date.isoformat()}"]
    lines += [f"customer: {text(item.customer)}", f"source: {item.source}"]
    lines.append(f"needs: [{', '.join(item.needs)}]")
    for key, value in (("achieve", item.achieve), ("avoid", item.avoid)):
        lines += [f"{key}: {text(value)}"] if value else []
    lines.append(f"processes: [{', '.join(item.processes)}]")
    if item.co_creation:
        lines.append("co_creation:")
        for entry in item.co_creation:
            lines += [f"  - opportunity: {entry.opportunity}", f"    mode: {entry.mode}"]
            lines.append(f"    note: {text(entry.note)}")
    if item.related:
        lines.append(f"related: [{', '.join(item.related)}]")
    lines.append(f"author: {text(item.author)}")
    if item.summary:
        lines.append(f"summary: {text(item.summary)}")
    if item.review_by:
        lines.append(f"review_by: {item.review_by.isoformat()}")
    lines += ["status: published", "---"]
    return "\n".join(lines) + "\n" + item.body


def write_story(item: Story, root: Path) -> Path:
    """Write one story into the library at `root`; returns its path."""
    path = root / "content" / "stories" / item.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(story_text(item), encoding="utf-8")
    return path


def write_site_yaml(library: Library, root: Path) -> None:
    """Write the library's site.yaml."""
    (root / "site.yaml").write_text(site_yaml(library), encoding="utf-8")


def write_library(library: Library, root: Path) -> None:
    """Write site.yaml and every story into `root`, which must be empty or missing."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    write_site_yaml(library, root)
    for item in library.stories:
        write_story(item, root)


def main(argv: list[str] | None = None) -> int:
    """Write a library of N stories into DIR."""
    parser = argparse.ArgumentParser(description="Write a synthetic customer-story library.")
    parser.add_argument("count", type=int, metavar="N", help="how many stories")
    parser.add_argument("folder", type=Path, metavar="DIR", help="an empty or new folder")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    try:
        write_library(make_library(args.count, args.seed), args.folder)
    except FileExistsError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {args.count} stories into {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
