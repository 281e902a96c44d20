"""Personal data in stories: every planted valid number is found, and none of the invalid ones.

Valid identity numbers are made here from their rules (made-up dates and serials), so no
real person's number is ever written down; the check digits are computed independently of
the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SITE_YAML, story
from hypothesis import given
from hypothesis import strategies as st

from insole.privacy import HIDDEN, IDENTITY, hidden, scan

FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
STORY = "content/stories/a.md"
AFTER_SITE_YAML = SITE_YAML.count("\n") + 1  # the first line of settings added to SITE_YAML


def luhn_digit(nine: str) -> str:
    """The Luhn check digit of nine digits (weights 2, 1, 2, ... from the left)."""
    total = 0
    for index, char in enumerate(nine):
        n = int(char) * (2 if index % 2 == 0 else 1)
        total += n // 10 + n % 10
    return str((10 - total % 10) % 10)


def swedish(date: str, serial: str, sign: str = "-") -> str:
    """A Swedish personnummer (or samordningsnummer) YYMMDD-NNNC with a right check digit."""
    return f"{date}{sign}{serial}{luhn_digit(date + serial)}"


def wrong_last(number: str) -> str:
    """The number with its last digit changed, so that its check fails."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def norwegian_checks(nine: str) -> str | None:
    """The two mod-11 check digits of a fødselsnummer, or None when its serial gives none."""
    digits = [int(c) for c in nine]
    first = 11 - sum(d * w for d, w in zip(digits, (3, 7, 6, 1, 8, 9, 4, 5, 2), strict=True)) % 11
    first = 0 if first == 11 else first
    if first == 10:
        return None
    digits.append(first)
    second = 11 - sum(d * w for d, w in zip(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    second = 0 if second == 11 else second
    return None if second == 10 else f"{first}{second}"


def norwegian(date: str) -> str:
    """A fødselsnummer DDMMYYIIIKK for a date, with the first serial whose checks exist."""
    for serial in range(100, 500):
        checks = norwegian_checks(f"{date}{serial}")
        if checks:
            return f"{date}{serial}{checks}"
    raise AssertionError("no serial fits")


def finnish(date: str, century: str, serial: str) -> str:
    """A Finnish henkilötunnus DDMMYYCZZZQ with the right check character."""
    return f"{date}{century}{serial}{FINNISH_CHECK[int(date + serial) % 31]}"


VALID = {
    swedish("900101", "238"): "personnummer",
    "19" + swedish("900101", "238"): "personnummer",
    "19" + swedish("900101", "238").replace("-", ""): "personnummer",
    swedish("450612", "771", "+"): "personnummer",
    swedish("850374", "312"): "samordningsnummer",  # day 14 plus 60
    "010190-1234": "cpr",
    "290200-4321": "cpr",  # 29 February 2000: the seventh digit 4 and year 00 make it the year 2000
    norwegian("010190"): "fodselsnummer",
    norwegian("410190"): "fodselsnummer",  # a D-number: day plus 40
    finnish("131052", "-", "308"): "henkilotunnus",
    finnish("240307", "A", "456"): "henkilotunnus",
    "kim.larsen@example.com": "email",
    "support+returns@butik.example.dk": "email",
    "+46 70 123 45 67": "phone",
    "070-123 45 67": "phone",
    "08-123 456 78": "phone",
    "+46 (0)8 123 456 78": "phone",
    "0046 31 12 34 56": "phone",
    "+45 12 34 56 78": "phone",
    "22 33 44 55": "phone",
    "+47 912 34 567": "phone",
    "912 34 567": "phone",
    "+358 40 123 4567": "phone",
    "040 123 4567": "phone",
    "+1 (555) 010-0199": "phone",
}

INVALID = [
    wrong_last(swedish("900101", "238")),  # the Luhn check fails
    "19" + wrong_last(swedish("900101", "238")),
    wrong_last(swedish("850374", "312")),
    swedish("901301", "238"),  # month 13
    "320190-1234",  # 32 January is no date
    "290201-1235",  # no CPR number (29 February 1901) and no personnummer (its Luhn check fails)
    wrong_last(norwegian("010190")),  # the second check digit fails
    norwegian("010190")[:-2] + "00",
    finnish("131052", "-", "308")[:-1] + ("X" if finnish("131052", "-", "308")[-1] != "X" else "Y"),
    finnish("310252", "-", "308"),  # 31 February
    "2024-03-14",
    "14.03.2024",
    "01-02-2024",
    "20240314",
    "1234567890",
    "12 995 kr",
    "1 299 000 kr",
    "order 4711-0815",
    "version 2.10.3",
    "the years 2019 2020 and 2021",
    "logo@2x.png",
    "12 34 56 78",  # Danish numbers do not start with 1
    "at 10:30 or 14.45",
]


@pytest.mark.parametrize(("text", "kind"), VALID.items())
def test_a_valid_number_or_address_is_found_with_its_kind(text, kind):
    found = scan(f"They said: {text}.")
    assert [(f.kind, f.text, f.column) for f in found] == [(kind, text, 12)]


@pytest.mark.parametrize("text", INVALID)
def test_an_invalid_number_or_other_digits_are_not_found(text):
    assert scan(f"They said: {text}.") == []


def test_every_planted_valid_number_is_found_and_none_of_the_invalid_in_one_text():
    lines = [f"valid {text}" for text in VALID] + [f"invalid {text}" for text in INVALID]
    found = scan("\n".join(lines))
    assert {(f.line, f.text) for f in found} == {(n, text) for n, text in enumerate(VALID, start=1)}
    assert all(f.column == len("valid ") + 1 for f in found)


def test_many_generated_numbers_are_all_found_and_all_broken_ones_are_not():
    day = dt.date(1950, 1, 1)
    for step in range(0, 365 * 60, 97):
        date = day + dt.timedelta(days=step)
        se = swedish(date.strftime("%y%m%d"), f"{step % 1000:03d}")
        fi = finnish(date.strftime("%d%m%y"), "-", f"{100 + step % 800:03d}")
        no = norwegian(date.strftime("%d%m%y"))
        for number in (se, fi, no):
            # A number can be valid in two countries' schemes at once; it is found either way.
            assert [f.kind in IDENTITY for f in scan(number)] == [True], number
        assert [f.kind for f in scan(no)] == ["fodselsnummer"], no
        assert scan(wrong_last(no)) == [], wrong_last(no)


def test_numbers_side_by_side_are_found_one_by_one():
    found = scan("Ring 070-123 45 67 070-765 43 21 3 gånger, eller 2019 +46 8 123 456 78.")
    assert [(f.column, f.text) for f in found] == [
        (6, "070-123 45 67"),
        (20, "070-765 43 21"),
        (55, "+46 8 123 456 78"),
    ]


def test_a_phone_at_the_end_of_a_long_run_of_digits_is_found():
    text = "1 2 3 4 5 6 7 " * 20_000 + "070-123 45 67"
    assert [f.text for f in scan(text)] == ["070-123 45 67"]


def test_lines_and_columns_count_from_one():
    found = scan("first line\n  mail kim@example.org now\n")
    assert [(f.line, f.column, f.text) for f in found] == [(2, 8, "kim@example.org")]


# --- Real text: lines as documentation, changelogs and orders write them ----------------------

NOT_PERSONAL = [
    "isbn: 978-0140443530",
    "ISBN 978-0-14-044353-0 (paperback)",
    "ISBN-10: 0140443533",
    "see 978-0140443530 and 0-14-044353-1 for the translation",
    "ISBN 978 0 14 044353 0",
    "https://doi.org/10.1038/nphys1170 and doi:10.1000/182",
    "released as version 1.2.3.4567 on 2024-03-14 10:30:00",
    "2024-03-14T10:30:00+01:00 and Mon, 14 Mar 2024 10:30:00 +0100",
    "open 0800-1700, closed 1200-1300",
    "IP 192.168.100.200 and 10.0.0.1, 2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "* [`0847954331`](https://github.com/nodejs/node/commit/0847954331) - deps: update npm",
    "const aad = Buffer.from('0123456789', 'hex');",
    "order 0701234567 was delivered",
    "Order no. 0123 456 789",
    "invoice 08-123 45 67",
    "serial number 0012 3456 7890",
    "ordernummer: 0012345678",
    "Price: 12 345 678 kr, or 23 45 67 89 SEK",
    "costs $ 55 12 34 56 in total",
    "the years 1990-2005, and 1998 1999 2000 2001",
    "lat 59.3293, lon 18.0686; 59° 19′ 46″ N, 18° 4′ 7″ E",
    "pages 1023-1045, pp. 0101-0109",
    "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA",
    "0 2097152 linear /dev/loop0 0",
    ":000000 100644 0000000 1234567 A file4",
    "listen on port 8080 8443 9090",
    "<Buffer 74 65 73 74 0a>",
    "00 00 00 00 00 and +0.5 +0.25",
    "git clone git@github.com:python-distro/distro.git",
    "git+ssh://git@github.com/npm/cli#v6.0.0",
    "https://lkml.kernel.org/r/20190705175321.DB42F0AD@viggo.jf.intel.com",
    "po/en@boldquot.header",
]


@pytest.mark.parametrize("line", NOT_PERSONAL)
def test_ids_amounts_dates_and_lists_in_real_lines_are_not_personal_data(line):
    assert [f.text for f in scan(line)] == []


PHONES_IN_LINES = {
    "Ring mig på +46 8 123 45 67 i morgon.": "+46 8 123 45 67",
    "Hon nås på 08-123 45 67 efter lunch.": "08-123 45 67",
    "mobil 070-123 45 67": "070-123 45 67",
    "Call (555) 123-4567 before noon.": "(555) 123-4567",
    "or +1 555 123 4567 from abroad": "+1 555 123 4567",
    "Ring 32 14 56 78, spørg efter Kim.": "32 14 56 78",
    "tel. 0701234567": "0701234567",
    "telefon: 08-1234567": "08-1234567",
    "Numret är (08) 123 45 67.": "(08) 123 45 67",
    "He called from 555-867-5309 twice.": "555-867-5309",
    "Kundtjänst 0771-123 456 svarar.": "0771-123 456",
}


@pytest.mark.parametrize(("line", "number"), PHONES_IN_LINES.items())
def test_phone_numbers_in_real_lines_are_still_found(line, number):
    assert [(f.kind, f.text) for f in scan(line)] == [("phone", number)]


def test_an_isbn_label_does_not_hide_a_phone_number_later_in_the_line():
    found = scan("ISBN 978-0140443530; orders by phone 070-123 45 67")
    assert [f.text for f in found] == ["070-123 45 67"]


# --- Wherever a number stands: at the edges, across lines, beside unusual characters ---------


def full_width(text: str) -> str:
    """The text with its digits written as full-width digits (U+FF10 to U+FF19)."""
    return "".join(chr(0xFF10 + int(char)) if char.isdigit() else char for char in text)


@pytest.mark.parametrize(("text", "kind"), VALID.items())
def test_a_valid_number_or_address_is_found_when_it_is_the_whole_text(text, kind):
    assert [(f.kind, f.text, f.column) for f in scan(text)] == [(kind, text, 1)]


@pytest.mark.parametrize(("text", "kind"), VALID.items())
def test_a_valid_number_or_address_is_found_at_the_start_and_the_end_of_lines(text, kind):
    found = scan(f"{text}\nsee above and below\n{text}")
    assert [(f.line, f.column, f.kind, f.text) for f in found] == [(1, 1, kind, text), (3, 1, kind, text)]


@pytest.mark.parametrize(
    ("before", "after"),
    [("\u201c", "\u201d"), ("Ring\u2014", "\u2014nu"), ("kund:", ","), ("(", ")"), ("Nr 1 2 ", " 3")],
)
def test_an_identity_number_is_found_between_unusual_neighbours(before, after):
    number = swedish("900101", "238")
    assert [(f.column, f.text) for f in scan(before + number + after)] == [(len(before) + 1, number)]


@pytest.mark.parametrize(
    "text",
    [
        "+46\u202f70\u202f123\u202f45\u202f67",
        "070\u2011123\u00a045\u00a067",
        "+358\u200940\u2009123\u20094567",
    ],
)
def test_a_phone_number_with_unusual_separators_is_found(text):
    assert [(f.kind, f.text) for f in scan(f"Ring\u2014{text}\u2014nu.")] == [("phone", text)]


@pytest.mark.parametrize(("text", "kind"), [("+46 70 123 45 67", "phone"), ("010190-1234", "cpr")])
def test_numbers_in_full_width_digits_are_found(text, kind):
    wide = full_width(text)
    assert [(f.kind, f.text) for f in scan(f"Tel. {wide} nu")] == [(kind, wide)]


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("Call +46 **8** 123 45 67 now.", "phone", "+46 8 123 45 67"),
        ("Call 070-*123* 45 67 now.", "phone", "070-123 45 67"),
        ("Call 070\\-123 45 67 now.", "phone", "070-123 45 67"),
        ("Call 070&#45;123&nbsp;45 67 now.", "phone", "070-123\u00a045 67"),
        ("Call 070\u200b-123 45 67 now.", "phone", "070-123 45 67"),
        (
            "Call \uff10\uff17\uff10-\uff11\uff12\uff13 \uff14\uff15 \uff16\uff17 now.",
            "phone",
            "070-123 45 67",
        ),
        ("Mail anna&#64;gmail.com now.", "email", "anna@gmail.com"),
        ("Mail anna&commat;gmail.com now.", "email", "anna@gmail.com"),
        ("Mail anna\\@gmail.com now.", "email", "anna@gmail.com"),
        ("Mail anna@*gmail*.com now.", "email", "anna@gmail.com"),
        ("Mail anna\u200b@gmail.com now.", "email", "anna@gmail.com"),
        ("Mail [her](mailto:anna%40gmail.com) now.", "email", "anna@gmail.com"),
        ("Mail anna (at) gmail (dot) com now.", "email", "anna@gmail.com"),
        ("Mail anna [AT] gmail [DOT] com now.", "email", "anna@gmail.com"),
        ('customer: "anna\\x40gmail.com"', "email", "anna@gmail.com"),
        ('customer: "anna\\u0040gmail.com"', "email", "anna@gmail.com"),
        ('customer: "070-123 \\\n  45 67"', "phone", "070-123 45 67"),
    ],
)
def test_data_hidden_by_markup_entities_or_escapes_is_found_where_it_starts(text, kind, shown):
    start = min(text.index(c) for c in ("070", "+46", "anna", "\uff10") if c in text)
    assert [(f.line, f.column, f.kind, f.text) for f in scan(text)] == [(1, start + 1, kind, shown)]


@pytest.mark.parametrize(
    "text",
    [
        "A *bold* claim, `code` and snake_case_names at 8 o'clock.",
        "Prices &amp; terms: 1 200 kr, see [the list](https://example.com/a%20b).",
        "Look at (dot) points and the [at] sign alone.",
        "Version 2.0 **released** on 2024-01-01, build 12_345.",
    ],
)
def test_markup_entities_and_escapes_alone_are_not_personal_data(text):
    assert scan(text) == []


def test_data_hidden_in_markup_stops_the_build_at_its_place(site, run):
    body = "Call +46 **8** 123 45 67, or anna&#64;gmail.com.\n"
    result = run(site({STORY: story(body=body)}), "build", "--no-search")
    assert result.code == 1
    assert f"{STORY}:7:6: error: possible personal data: phone number '+46 8 123 45 67'" in result.err
    assert f"{STORY}:7:30: error: possible personal data: e-mail address 'anna@gmail.com'" in result.err


def test_an_address_and_a_phone_number_side_by_side_are_both_found():
    found = scan("x@y.se:+46 8 123 456 78")
    assert [(f.column, f.kind) for f in found] == [(1, "email"), (8, "phone")]


# --- Through the command: errors at their places by default, warnings when asked ----------


WARN = SITE_YAML + "personal_data:\n  on_finding: warn\n"


def test_a_phone_number_in_a_story_stops_the_build_at_its_place(site, run):
    root = site({STORY: story(body="Call 070-123 45 67 after six.\n")})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{STORY}:7:6: error: possible personal data: phone number '070-123 45 67'" in result.err
    assert not (root / "_site").exists()


def test_a_finding_leaves_the_previous_site_as_it_was(site, run):
    root = site({STORY: story()})
    assert run(root, "build", "--no-search").code == 0
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / STORY).write_text(story(body="Call 070-123 45 67 after six.\n"), encoding="utf-8")
    assert run(root, "build", "--no-search").code == 1
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()} == before


def test_a_finding_is_the_only_error_even_when_other_stories_name_the_story(site, run):
    other = "content/stories/b.md"
    files = {STORY: story(body="Call 070-123 45 67.\n"), other: story("Other", extra="related: [a]")}
    result = run(site(files), "check")
    assert result.code == 1
    assert [line for line in result.err.splitlines() if ": error: " in line] == [
        f"{STORY}:7:6: error: possible personal data: phone number '070-123 45 67' "
        "(remove it, or list it under allow_personal_data if it may be published)"
    ]


def test_findings_in_front_matter_and_body_are_warnings_at_their_places_when_asked(site, run):
    number = swedish("900101", "238")
    text = story(extra="customer: Kim, kim@example.com", body=f"Kim's number is {number}.\n")
    result = run(site({STORY: text}, site_yaml=WARN), "build", "--no-search")
    assert result.code == 0
    assert f"{STORY}:6:16: warning: possible personal data: e-mail address 'kim@example.com'" in result.err
    assert f"{STORY}:8:17: warning: possible personal data: Swedish personnummer '900101-****'" in result.err
    assert number not in result.err, "identity numbers are not repeated in full"


def test_strict_turns_a_finding_into_an_error_even_when_findings_warn(site, run):
    root = site({STORY: story(body="Call 070-123 45 67 after six.\n")}, site_yaml=WARN)
    result = run(root, "build", "--strict", "--no-search")
    assert result.code == 1
    assert f"{STORY}:7:6: error: possible personal data: phone number '070-123 45 67'" in result.err
    assert not (root / "_site").exists()


def test_an_allowed_address_and_number_are_published(site, run):
    extra = 'allow_personal_data: ["support@example.com", "+46 8 123 456 78"]'
    body = "Write to support@example.com or call +46 8 123 456 78.\n"
    root = site({STORY: story(extra=extra, body=body)})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert "personal data" not in result.err
    page = (root / "_site/stories/a/index.html").read_text(encoding="utf-8")
    assert "support@example.com" in page and "+46 8 123 456 78" in page


@pytest.mark.parametrize("value", ["stop", "true", "[error]", "''"])
def test_an_unknown_on_finding_is_an_error_at_its_place_naming_the_choices(site, run, value):
    site_yaml = SITE_YAML + f"personal_data:\n  on_finding: {value}\n"
    result = run(site({STORY: story()}, site_yaml=site_yaml), "check")
    assert result.code == 1
    where = f"site.yaml:{AFTER_SITE_YAML + 1}:15"
    assert f"{where}: error: 'on_finding' must be 'error' or 'warn', not " in result.err


def test_a_story_can_allow_a_specific_match(site, run):
    extra = 'allow_personal_data: ["support@example.com", "+46 8 123 456 78"]'
    body = "Write to support@example.com or call +46 8 123 456 78, not kim@example.com.\n"
    result = run(site({STORY: story(extra=extra, body=body)}), "build", "--strict", "--no-search")
    assert result.code == 1
    assert "kim@example.com" in result.err
    assert "support@example.com" not in result.err and "123 456 78" not in result.err


def test_site_yaml_can_allow_an_e_mail_domain_and_its_subdomains(site, run):
    site_yaml = SITE_YAML + "personal_data:\n  allow_domains: [example.com]\n"
    body = "Mail support@example.com, help@eu.example.com or kim@example.org.\n"
    result = run(site({STORY: story(body=body)}, site_yaml=site_yaml), "check")
    assert result.code == 1
    found = [line for line in result.err.splitlines() if "personal data" in line]
    assert len(found) == 1 and f"{STORY}:7:50: error:" in found[0] and "kim@example.org" in found[0]


def test_an_allowed_domain_publishes_its_addresses(site, run):
    site_yaml = SITE_YAML + "personal_data:\n  allow_domains: [example.com]\n"
    root = site(
        {STORY: story(body="Mail support@example.com or help@eu.example.com.\n")}, site_yaml=site_yaml
    )
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert "help@eu.example.com" in (root / "_site/stories/a/index.html").read_text(encoding="utf-8")


def test_a_misspelt_personal_data_setting_is_a_warning_with_a_suggestion(site, run):
    site_yaml = SITE_YAML + "personal_data:\n  allow_domain: [example.com]\n"
    result = run(site({STORY: story()}, site_yaml=site_yaml), "check")
    where = f"site.yaml:{AFTER_SITE_YAML + 1}:3"
    assert f"{where}: warning: unknown key 'allow_domain' in personal_data" in result.err
    assert "did you mean 'allow_domains'?" in result.err


def test_personal_data_that_is_no_mapping_is_an_error(site, run):
    result = run(site({STORY: story()}, site_yaml=SITE_YAML + "personal_data: example.com\n"), "check")
    assert result.code == 1
    assert f"site.yaml:{AFTER_SITE_YAML}:16: error: 'personal_data' must be a mapping" in result.err


def test_personal_data_in_site_yaml_stops_the_build_at_its_place(site, run):
    site_yaml = SITE_YAML.replace(
        "description: A small library for tests.", "description: Questions to anna@gmail.com."
    ).replace("  support: Support", "  support: {title: Support, description: 'Call 070-123 45 67'}")
    root = site({STORY: story()}, site_yaml=site_yaml)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "site.yaml:2:27: error: possible personal data: e-mail address 'anna@gmail.com'" in result.err
    assert "site.yaml:18:48: error: possible personal data: phone number '070-123 45 67'" in result.err
    assert not (root / "_site").exists()


def test_personal_data_in_site_yaml_warns_when_asked_and_allowed_domains_pass(site, run):
    site_yaml = (
        SITE_YAML.replace("description: A small library for tests.", "description: Ask kim@example.com")
        + "personal_data:\n  on_finding: warn\n  allow_domains: [example.com]\n"
    ).replace("title: Sample stories", "title: Stories, +46 8 123 456 78")
    result = run(site({STORY: story()}, site_yaml=site_yaml), "build", "--no-search")
    assert result.code == 0
    assert "site.yaml:1:17: warning: possible personal data: phone number '+46 8 123 456 78'" in result.err
    assert "kim@example.com" not in result.err


def test_personal_data_in_a_slug_or_a_file_name_stops_the_build_at_the_story(site, run):
    files = {
        "content/stories/call-070-123-45-67.md": story(),
        "content/stories/b.md": story(extra="slug: ring-0701234567"),
        "content/stories/c/index.md": story(body="![Plan](plan.png)\n"),
        "content/stories/c/plan.png": b"\x89PNG",
        "content/stories/c/anna@gmail.com.png": b"\x89PNG",
    }
    result = run(site(files), "build", "--no-search")
    assert result.code == 1
    assert (
        "content/stories/call-070-123-45-67.md:1:1: error: possible personal data in the file name: "
        "phone number '070 123 45 67' (rename it, or list it under allow_personal_data if it may be published)"
    ) in result.err
    assert "content/stories/b.md:6:7: error: possible personal data in the slug: phone number" in result.err
    assert (
        "content/stories/c/index.md:1:1: error: possible personal data in the name of a file beside the story: "
        "e-mail address 'anna@gmail.com'"
    ) in result.err


def test_personal_data_in_a_text_file_beside_a_story_stops_the_build_at_its_place(site, run):
    files = {
        "content/stories/a/index.md": story(extra='allow_personal_data: ["support@example.com"]'),
        "content/stories/a/notes.md": "---\nstatus: draft\n---\nCall Kim on 070-123 45 67.\n",
        "content/stories/a/card.vcf": "BEGIN:VCARD\nEMAIL:kim@telia.se\nEMAIL:support@example.com\n",
        "content/stories/a/photo.png": b"\x89PNG\r\n\x1a\n\x00\x00070-123 45 67",
    }
    root = site(files)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    hint = "(remove it, or list it under the story's allow_personal_data if it may be published)"
    assert [line for line in result.err.splitlines() if "personal data" in line] == [
        f"content/stories/a/card.vcf:2:7: error: possible personal data: e-mail address 'kim@telia.se' {hint}",
        f"content/stories/a/notes.md:4:13: error: possible personal data: phone number '070-123 45 67' {hint}",
    ]
    assert not (root / "_site").exists()
    result = run(site(files, site_yaml=WARN), "build", "--no-search")
    assert result.code == 0
    assert "content/stories/a/notes.md:4:13: warning: possible personal data: phone number" in result.err


HIDING = list("ab1 2@.+*_~`&#;x%2A\\\n\t([{<>]})atdotpunkt\u00ad\u200b\u2060\ufeff\uff01\uff5e\uff10")


@given(st.lists(st.sampled_from(HIDING), max_size=40).map("".join))
def test_hidden_pieces_are_those_the_whole_pattern_finds(text: str) -> None:
    """Looking for hidden pieces only where one can begin finds what searching everywhere finds."""
    assert [m.span() for m in hidden(text)] == [m.span() for m in HIDDEN.finditer(text)]
