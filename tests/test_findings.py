"""Findings: read from content/findings, checked against the stories, and shown on their pages and the stories'."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from conftest import SITE_YAML, story
from test_bad_input import problem_lines, reported, tree

from insole.livesite import LiveSite
from insole.options import Options
from insole.serve import _Watcher

FINDING = "content/findings/evening-calls.md"
STORIES = {
    "content/stories/a.md": story(
        "Story A",
        date="2024-03-01",
        needs="[assemble-without-help, second-trip]",
        extra="customer: Families\nsource: support-call",
    ),
    "content/stories/b.md": story(
        "Story B", date="2024-05-01", extra="customer: Students\nsource: home-visit"
    ),
    "content/stories/c.md": story(
        "Story C", date="2024-04-01", extra="customer: Families\nsource: support-call"
    ),
    "content/stories/d.md": story("Story D", date="2024-02-01"),
}


def finding(front: str, body: str = "We found that calls come in the evening.\n") -> str:
    """The text of a finding file with the given front matter (dedented)."""
    return f"---\n{textwrap.dedent(front).strip()}\n---\n{body}"


GOOD = finding(
    """
    title: Evening calls
    date: 2024-06-01
    status: decided
    owner: Support team
    evidence: [a, b, c]
    needs: [assemble-without-help]
    processes: [support]
    """,
    "Assembly calls come **after dinner**.\n\nStaff the evening.\n",
)
THIN = finding(
    """
    title: Screws look alike
    date: 2024-07-01
    status: open
    evidence: [a]
    needs: [second-trip]
    """
)
DONE = finding("title: Done already\ndate: 2024-01-01\nstatus: done\nevidence: [b, c]")


def page(root: Path, path: str) -> str:
    """A built page's text."""
    return (root / "_site" / path).read_text(encoding="utf-8")


def text(html: str) -> str:
    """What a reader sees of some HTML: its text, with runs of white space made one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(html: str, heading_id: str) -> str:
    """The HTML of the section whose heading has this id."""
    start = html.index(f'id="{heading_id}">') + len(f'id="{heading_id}">')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def built(site, run):
    """The sample site with three findings, built."""
    root = site(
        {
            **STORIES,
            FINDING: GOOD,
            "content/findings/screws-look-alike.md": THIN,
            "content/findings/done.md": DONE,
        }
    )
    result = run(root, "build")
    assert result.code == 0, result.err
    return root


def test_the_findings_page_lists_them_under_their_status(built):
    html = page(built, "findings/index.html")
    headings = re.findall(r'<h2 id="status-(\w+)">', html)
    assert headings == ["open", "decided", "done"]
    assert "Screws look alike" in section(html, "status-open")
    decided = text(section(html, "status-decided"))
    assert "Evening calls" in decided and "Decided · 1 June 2024 · 3 stories · Support team" in decided
    assert 'href="../findings/evening-calls/"' in html


def test_a_finding_page_shows_its_body_its_stories_and_how_well_they_back_it(built):
    html = page(built, "findings/evening-calls/index.html")
    assert "<strong>after dinner</strong>" in html
    backing = text(section(html, "backing"))
    assert backing == (
        "How well it is backed Stories 3 Distinct customers 2 Distinct sources 2 Newest story 1 May 2024"
    )
    stories = section(html, "evidence")
    assert re.findall(r'href="../../stories/(\w)/"', stories) == ["a", "b", "c"]
    assert "1 March 2024 · Families · Support call" in text(stories)
    about = section(html, "about")
    assert 'href="../../needs/assemble-without-help/"' in about and 'href="../../processes/support/"' in about


def test_a_story_shows_the_findings_that_cite_it_and_others_do_not(built):
    cited = section(page(built, "stories/a/index.html"), "findings")
    assert "Findings that cite this story" in cited
    assert re.findall(r'href="../../findings/([\w-]+)/"', cited) == ["screws-look-alike", "evening-calls"]
    assert "Findings that cite" not in page(built, "stories/d/index.html")


def test_a_need_page_lists_its_findings(built):
    listed = section(page(built, "needs/assemble-without-help/index.html"), "findings")
    assert re.findall(r'href="../../findings/([\w-]+)/"', listed) == ["evening-calls"]
    assert 'id="findings"' not in page(built, "needs/stay-healthy/index.html")


def test_a_finding_backed_by_one_story_is_a_gap_on_insights(built, run):
    gaps = section(page(built, "insights/index.html"), "single-story-finding")
    assert re.findall(r'href="../findings/([\w-]+)/"', gaps) == ["screws-look-alike"]
    assert "only in: Story A" in text(gaps)
    lines = run(built, "report").out.splitlines()
    at = lines.index("Findings resting on a single story (1)")
    assert lines[at + 1 : at + 3] == [
        "  Screws look alike  findings/screws-look-alike/",
        "      only in: Story A  stories/a/",
    ]


def test_the_sitemap_lists_the_findings(built):
    sitemap = page(built, "sitemap.xml")
    assert "<loc>/findings/</loc>" in sitemap
    assert "<loc>/findings/evening-calls/</loc><lastmod>2024-06-01</lastmod>" in sitemap


def test_finding_files_are_not_stories(built):
    assert not (built / "_site/stories/evening-calls").exists()
    assert "4 stories" in text(page(built, "index.html"))


def test_a_site_without_findings_says_it_has_none(site, run):
    root = site(STORIES)
    assert run(root, "build").code == 0
    assert "No findings yet." in page(root, "findings/index.html")


# --- bad input: every kind reported at its place, and the last site left as it was -----------


BAD = [
    ("- a list\n", "2:1", "front matter must be a mapping of keys, not a list"),
    ("title: T\ndate: 2024-01-01", "1:1", "missing required status, evidence"),
    ("title: T\ndate: 2024-01-01\nstatus: open\nevidence: []", "5:11", "'evidence' is empty"),
    ("title: T\ndate: 2024-01-01\nstatus: pending\nevidence: [a]", "4:9", "unknown status 'pending'"),
    ("title: T\ndate: 2024-02-30\nstatus: open\nevidence: [a]", "3:7", "'2024-02-30' is not a date"),
    ("title: T\ndate: 2024-01-01\nstatus: open\nevidence: [a, stroy-b]", "5:15", "no story 'stroy-b'"),
    (
        "title: T\ndate: 2024-01-01\nstatus: open\nevidence: [a]\nneeds: [second-trips]",
        "6:9",
        "'second-trips' is not a term of needs",
    ),
    (
        "title: T\ndate: 2024-01-01\nstatus: open\nevidence: [a]\nowner: call 070-123 45 67",
        "6:13",
        "possible personal data: phone number '070-123 45 67'",
    ),
]


BAD += [
    (
        "title: T\ndate: 2024-01-01\nstatus: open\nevidence: {a: b}",
        "5:11",
        "'evidence' must be a list, not a mapping",
    ),
    ("title: [T]\ndate: 2024-01-01\nstatus: open\nevidence: [a]", "2:8", "'title' must be text, not a list"),
    (
        "title: T\ndate: 2024-01-01\nstatus: open\nevidence: [a]\nprocesses: [suport]",
        "6:13",
        "'suport' is not a term",
    ),
]


@pytest.mark.parametrize(("front", "where", "message"), BAD)
def test_bad_finding_is_reported_at_its_place(site, run, front, where, message):
    root = site({**STORIES, FINDING: f"---\n{front}\n---\nBody.\n"})
    result = run(root, "build")
    assert result.code == 1
    assert reported(result, f"{FINDING}:{where}").startswith(message)


def test_a_finding_file_without_front_matter_is_an_error(site, run):
    result = run(site({**STORIES, FINDING: "We found that calls come in the evening.\n"}), "build")
    assert reported(result, f"{FINDING}:1:1").startswith("no front matter")


def test_a_findings_file_in_place_of_the_folder_is_an_error(site, run):
    result = run(site({**STORIES, "content/findings": "not a folder"}), "build")
    assert reported(result, "content/findings:1:1") == (
        "not a folder (put each finding in content/findings/ as a Markdown file)"
    )


def test_a_linked_folder_of_findings_is_an_error(site, run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text(THIN, encoding="utf-8")
    root = site(STORIES)
    (root / "content/findings").mkdir()
    (root / "content/findings/linked").symlink_to(elsewhere)
    assert reported(run(root, "build"), "content/findings/linked:1:1").startswith("a linked folder")


def test_an_unknown_story_names_the_closest_slugs(site, run):
    files = {**STORIES, "content/stories/evening-shift.md": story("Evening shift")}
    front = "title: T\ndate: 2024-01-01\nstatus: open\nevidence: [evening-shfit]"
    result = run(site({**files, FINDING: finding(front)}), "build")
    assert reported(result, f"{FINDING}:5:12") == "no story 'evening-shfit' (did you mean 'evening-shift'?)"


def test_an_unknown_status_and_key_suggest_the_closest(site, run):
    front = "title: T\ndate: 2024-01-01\nstatus: desided\nevidence: [a]\nowners: Support"
    result = run(site({**STORIES, FINDING: finding(front)}), "build")
    assert reported(result, f"{FINDING}:4:9") == "unknown status 'desided' (did you mean 'decided'?)"
    assert reported(result, f"{FINDING}:6:1", "warning") == "unknown key 'owners' (did you mean 'owner'?)"


def test_a_draft_in_evidence_says_so(site, run):
    draft = story("Draft", extra="status: draft")
    root = site({**STORIES, "content/stories/e.md": draft, FINDING: THIN.replace("[a]", "[a, e]")})
    message = reported(run(root, "build"), f"{FINDING}:5:15")
    assert message == "the story 'e' is a draft or dated after today (publish it, or build with --drafts)"
    assert run(root, "build", "--drafts").code == 0


def test_personal_data_in_a_finding_file_name_is_an_error(site, run):
    name = "content/findings/call-070-123-45-67.md"
    result = run(site({**STORIES, name: THIN}), "build")
    message = reported(result, f"{name}:1:1")
    assert message.startswith("possible personal data in the file name: phone number")


def test_serve_watches_the_findings_folder(site):
    root = site(STORIES)
    watcher = _Watcher(LiveSite(Options(root=root)), root)
    assert watcher.relevant(root / FINDING)


def test_a_story_in_evidence_that_fails_says_so_and_nothing_breaks(site, run):
    broken = story("Broken", date="2024-02-30")
    result = run(
        site({**STORIES, "content/stories/e.md": broken, FINDING: THIN.replace("[a]", "[e]")}), "build"
    )
    assert result.code == 1 and "Traceback" not in result.err
    message = reported(result, f"{FINDING}:5:12")
    assert message == "the story 'e' could not be read (fix the problems reported in its file)"


def test_two_findings_with_one_slug_are_an_error(site, run):
    other = THIN.replace("title: Screws look alike", "title: Again\nslug: evening-calls")
    result = run(site({**STORIES, FINDING: GOOD, "content/findings/other.md": other}), "build")
    assert result.code == 1
    assert "another finding has the slug 'evening-calls'" in "\n".join(problem_lines(result))


def test_a_grouping_cannot_take_a_finding_key_or_folder(site, run):
    for key, message in (
        ("owner", "already a key of a finding's front matter"),
        ("findings", "already a folder"),
    ):
        site_yaml = SITE_YAML + f"groupings:\n  {key}:\n    title: X\n    terms: {{a: A}}\n"
        result = run(site(STORIES, site_yaml=site_yaml), "build")
        assert result.code == 1 and message in result.err, result.err


def test_a_bad_finding_leaves_the_last_site_as_it_was(built, run):
    before = tree(built / "_site")
    (built / FINDING).write_text(GOOD.replace("[a, b, c]", "[a, nobody]"), encoding="utf-8")
    assert run(built, "build").code == 1
    assert tree(built / "_site") == before


# --- incremental: a finding changed makes again the pages that show it -------------------------


def test_a_changed_finding_makes_its_pages_again_when_served(site):
    root = site({**STORIES, FINDING: GOOD})
    live = LiveSite(Options(root=root))
    assert live.rebuild()[0]
    (root / FINDING).write_text(GOOD.replace("Evening calls", "Calls after dinner"), encoding="utf-8")
    live.touch(root / FINDING)
    ok, problems, _ = live.rebuild()
    assert ok, problems
    pages = live.live.rendered.pages
    for path in ("findings/index.html", "findings/evening-calls/index.html", "stories/b/index.html"):
        assert b"Calls after dinner" in pages[path], path
    assert b"Evening calls" not in pages["needs/assemble-without-help/index.html"]


def test_a_changed_finding_rewrites_only_the_pages_that_show_it(built, run):
    before = tree(built / "_site")
    (built / FINDING).write_text(
        GOOD.replace("Staff the evening.", "Staff the late evening."), encoding="utf-8"
    )
    assert run(built, "build").code == 0
    after = tree(built / "_site")
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"findings/evening-calls/index.html"}
