"""Files a build reads or copies: only regular files inside their folder, and from stories no script."""

from __future__ import annotations

import errno
import gzip
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SITE_YAML, story

from insole.livesite import LiveSite
from insole.options import Options
from insole.pages import Page, Plan, check_plan

SECRET = b"the-secret-password-1234"
FOLDER = "content/stories/visit"
PLAIN_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
)


def folder_story(files: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """A folder story with the given files beside it."""
    return {f"{FOLDER}/index.md": story("A visit"), **{f"{FOLDER}/{k}": v for k, v in (files or {}).items()}}


def everything(folder: Path) -> bytes:
    """Every byte under a folder, file after file."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def secret_outside(tmp_path: Path) -> Path:
    """A secret file outside the site."""
    path = tmp_path / "secret.txt"
    path.write_bytes(SECRET)
    return path


def insole(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The insole command run in its own process, stopped if it takes over a minute (a hang)."""
    command = [sys.executable, "-m", "insole", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60, check=False)


# --- symbolic links that lead outside ------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [f"{FOLDER}/notes.txt", f"{FOLDER}/photos/plan.png", "templates/static/extra.css"],
)
def test_a_linked_file_leading_outside_is_an_error_and_publishes_nothing(site, run, tmp_path, where):
    root = site(folder_story())
    assert run(root, "build", "--no-search").code == 0
    before = everything(root / "_site")
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    (root / where).symlink_to(secret_outside(tmp_path))
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{where}:1:1: error: symbolic link leads outside the" in result.err
    assert everything(root / "_site") == before
    assert SECRET not in everything(root / "_site")


def test_a_linked_template_leading_outside_is_an_error_at_the_template(site, run, tmp_path):
    root = site({"content/stories/a.md": story()})
    (root / "templates").mkdir()
    (root / "templates/story.html").symlink_to(secret_outside(tmp_path))
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert (
        "templates/story.html:1:1: error: template error: symbolic link leads outside the templates folder"
        in (result.err)
    )
    assert not (root / "_site").exists()


def test_site_yaml_linked_outside_is_an_error(site, run, tmp_path):
    root = site({"content/stories/a.md": story()})
    outside = tmp_path / "shared.yaml"
    outside.write_text(SITE_YAML, encoding="utf-8")
    (root / "site.yaml").unlink()
    (root / "site.yaml").symlink_to(outside)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "site.yaml:1:1: error: symbolic link leads outside the site" in result.err


def test_a_link_inside_the_site_is_copied(site, run):
    root = site(folder_story({"plan.svg": PLAIN_SVG}))
    (root / FOLDER / "same.svg").symlink_to("plan.svg")
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert (root / "_site/stories/visit/same.svg").read_bytes() == PLAIN_SVG


# --- special files and files that cannot be read -------------------------------------------


def test_a_fifo_among_the_stories_is_an_error_not_a_hang(site):
    root = site({"content/stories/a.md": story()})
    os.mkfifo(root / "content/stories/pipe.md")
    result = insole(root, "build", "--no-search")
    assert result.returncode == 1
    assert "content/stories/pipe.md:1:1: error: a named pipe (FIFO), not a regular file" in result.stderr


def test_a_fifo_among_a_storys_files_and_the_static_files_is_an_error_not_a_hang(site):
    root = site(folder_story())
    os.mkfifo(root / FOLDER / "pipe.png")
    (root / "templates/static").mkdir(parents=True)
    os.mkfifo(root / "templates/static/pipe.css")
    result = insole(root, "build", "--no-search")
    assert result.returncode == 1
    assert f"{FOLDER}/pipe.png:1:1: error: a named pipe (FIFO), not a regular file" in result.stderr
    assert "templates/static/pipe.css:1:1: error: a named pipe (FIFO), not a regular file" in result.stderr


def test_a_socket_beside_a_story_is_an_error(site, run, monkeypatch):
    root = site(folder_story())
    monkeypatch.chdir(root / FOLDER)  # a socket's path is short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("control")
        result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{FOLDER}/control:1:1: error: a socket, not a regular file" in result.err


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make opening files named `name` fail as a file without read permission does (tests run as root)."""
    real = os.open

    def fake(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if Path(path).name == name and not flags & os.O_DIRECTORY:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake)


def test_unreadable_story_asset_and_site_yaml_are_errors(site, run, monkeypatch):
    root = site({"content/stories/a.md": story(), **folder_story({"plan.png": b"png"})})
    for name in ("a.md", "plan.png", "site.yaml"):
        with monkeypatch.context() as patched:
            refuse_to_open(patched, name)
            result = run(root, "build", "--no-search")
        shown = {"a.md": "content/stories/a.md", "plan.png": f"{FOLDER}/plan.png"}.get(name, name)
        assert result.code == 1, name
        assert f"{shown}:1:1: error: cannot read file: permission denied" in result.err


def test_an_unreadable_stories_folder_is_an_error_not_a_silent_loss(site, run, monkeypatch):
    root = site({"content/stories/a.md": story(), "content/stories/private/b.md": story("B")})
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path).name == "private":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "content/stories/private:1:1: error: cannot read folder: permission denied" in result.err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_chmod_000_story_and_folder_are_errors(site, run):
    root = site({"content/stories/a.md": story(), "content/stories/private/b.md": story("B")})
    (root / "content/stories/a.md").chmod(0)
    (root / "content/stories/private").chmod(0)
    try:
        result = run(root, "build", "--no-search")
    finally:
        (root / "content/stories/private").chmod(0o755)
    assert "content/stories/a.md:1:1: error: cannot read file: permission denied" in result.err
    assert "content/stories/private:1:1: error: cannot read folder: permission denied" in result.err


# --- files that can run script in the site's pages -----------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
ACTIVE_SVG = {
    "script element": (SVG + "  <script>alert(1)</script>\n</svg>", "2:3", "a <script> element"),
    "script in CDATA": (
        SVG + "<g><SCRIPT><![CDATA[alert(1)]]></SCRIPT></g></svg>",
        "2:4",
        "a <script> element",
    ),
    "event handler": (SVG + '<rect\n  width="1" onload="alert(1)"/></svg>', "2:1", "'onload'"),
    "event handler in capitals": (SVG + '<rect ONCLICK="alert(1)"/></svg>', "2:1", "'onclick'"),
    "javascript link": (SVG + '<a href="javascript:alert(1)"><text>x</text></a></svg>', "2:1", "script link"),
    "javascript in xlink:href, obfuscated": (
        SVG + '<a xlink:href=" java&#x09;script&#x3A;alert(1)">x</a></svg>',
        "2:1",
        "script link in the attribute 'href'",
    ),
    "javascript through an entity": (
        '<!DOCTYPE svg [<!ENTITY js "javascript:">]>\n' + SVG + '<a href="&js;alert(1)">x</a></svg>',
        "3:1",
        "script link",
    ),
    "foreign object": (SVG + "<foreignObject><p>x</p></foreignObject></svg>", "2:1", "<foreignObject>"),
    "use of another file": (SVG + '<use href="other.svg#x"/></svg>', "2:1", "a <use> of another file"),
    "use of data": (SVG + '<use xlink:href="data:image/svg+xml,&lt;svg/&gt;"/></svg>', "2:1", "a <use>"),
    "iframe": (SVG + "<iframe/></svg>", "2:1", "an <iframe> element"),
    "embed": (SVG + "<embed/></svg>", "2:1", "an <embed> element"),
    "object": (SVG + "<object/></svg>", "2:1", "an <object> element"),
    "html inside": (SVG + '<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="x"/></svg>', "2:1", "HTML"),
    "animated link": (SVG + '<a><set attributeName="href" to="x"/></a></svg>', "2:4", "animation"),
    "stylesheet": (
        '<?xml-stylesheet type="text/xsl" href="x.xsl"?>\n' + SVG + "</svg>",
        "1:1",
        "xml-stylesheet",
    ),
    "external entity": (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + SVG + "<text>&x;</text></svg>",
        "1:54",
        "external entity",
    ),
    "not well-formed": (SVG + "<rect></svg>", "2:9", "not well-formed XML"),
}


@pytest.mark.parametrize("name", sorted(ACTIVE_SVG))
def test_an_svg_that_can_run_script_is_refused_at_the_element(site, run, name):
    text, at, message = ACTIVE_SVG[name]
    root = site(folder_story({"plan.svg": text}))
    result = run(root, "build", "--no-search")
    assert result.code == 1, result.err
    found = [line for line in result.err.splitlines() if line.startswith(f"{FOLDER}/plan.svg:{at}: error: ")]
    assert found and message in found[0], result.err
    assert not (root / "_site").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<p>hello</p>"),
        ("page.HTM", b"<p>hello</p>"),
        ("page.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"/>'),
        ("page.shtml", b"<p>hello</p>"),
        ("README", b"  <html><script>alert(1)</script>"),
        ("notes.data", b"<!-- x --><script>alert(1)</script>"),
        ("page.html.gz", gzip.compress(b"<script>alert(1)</script>")),
    ],
)
def test_an_html_file_beside_a_story_is_refused(site, run, name, data):
    root = site(folder_story({name: data}))
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{FOLDER}/{name}:1:1: error: " in result.err
    assert "can run script" in result.err or "cannot be checked" in result.err


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("PLAN.SVG", SVG + "<script>alert(1)</script></svg>"),
        ("plan.svgz", gzip.compress((SVG + "<script>alert(1)</script></svg>").encode())),
        ("plan.svg.gz", gzip.compress((SVG + "<script>alert(1)</script></svg>").encode())),
        ("feed.xml", '<r xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></r>'),
        ("drawing", '<?xml version="1.0"?>\n' + SVG + "<script>alert(1)</script></svg>"),
    ],
)
def test_svg_and_xml_in_any_disguise_are_checked(site, run, name, data):
    root = site(folder_story({name: data}))
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{FOLDER}/{name}:" in result.err and "can run script" in result.err, result.err


def test_plain_svgs_and_other_files_are_copied_byte_for_byte(site, run):
    illustrator = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
        b'  <!ENTITY ns_svg "http://www.w3.org/2000/svg">\n'
        b'  <!ENTITY ns_xlink "http://www.w3.org/1999/xlink">\n]>\n'
        b'<svg xmlns="&ns_svg;" xmlns:xlink="&ns_xlink;"><defs><path id="p" d="M0 0h1"/></defs>'
        b'<use xlink:href="#p"/><a href="https://example.com/"><text>x</text></a>'
        b'<image href="data:image/png;base64,iVBORw0KGgo="/><style><![CDATA[rect{fill:red}]]></style></svg>'
    )
    files = {
        "plan.svg": PLAIN_SVG,
        "drawing.svg": illustrator,
        "small.svgz": gzip.compress(PLAIN_SVG),
        "notes.txt": b"<html> in a text file is text",
        "photo.jpg": b"\xff\xd8\xff",
    }
    root = site(folder_story(files))
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    for name, data in files.items():
        assert (root / "_site/stories/visit" / name).read_bytes() == data, name


def test_allow_html_lets_html_and_svg_with_script_through(site, run):
    files = {
        "page.html": b"<script>alert(1)</script>",
        "plan.svg": (SVG + "<script>1</script></svg>").encode(),
    }
    root = site(folder_story(files), site_yaml=SITE_YAML + "allow_html: true\n")
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    for name, data in files.items():
        assert (root / "_site/stories/visit" / name).read_bytes() == data


# --- terms that cannot be folder names ----------------------------------------------------


@pytest.mark.parametrize("term", [".", "..", "../x", "a/../../b", "index.html", "feed.xml", "Second Trip"])
def test_a_term_that_cannot_be_a_slug_is_an_error_at_the_term(site, run, term):
    root = site({"content/stories/a.md": story(needs=f"[assemble-without-help, '{term}']")})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"content/stories/a.md:4:32: error: '{term}' cannot be a term" in result.err
    assert not (root / "_site").exists()


def test_a_source_and_an_opportunity_that_cannot_be_slugs_are_errors(site, run):
    extra = "source: ..\nco_creation:\n  - {opportunity: ., mode: synchronous}"
    root = site({"content/stories/a.md": story(extra=extra)})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "content/stories/a.md:6:9: error: '..' cannot be a term" in result.err
    assert "content/stories/a.md:8:19: error: '.' cannot be a term" in result.err


# --- serve reads each file as it is asked for ----------------------------------------------


def test_serve_refuses_a_file_replaced_by_a_link_special_file_or_script(site, tmp_path):
    root = site(folder_story({"plan.svg": PLAIN_SVG}))
    live = LiveSite(Options(root=root, cache=False))
    assert live.rebuild()[0]
    assert live.lookup("/stories/visit/plan.svg")[0] == PLAIN_SVG
    served = root / FOLDER / "plan.svg"
    served.unlink()
    served.symlink_to(secret_outside(tmp_path))
    assert live.lookup("/stories/visit/plan.svg")[0] is None
    served.unlink()
    os.mkfifo(served)
    assert live.lookup("/stories/visit/plan.svg")[0] is None
    served.unlink()
    served.write_text(SVG + "<script>alert(1)</script></svg>", encoding="utf-8")
    assert live.lookup("/stories/visit/plan.svg")[0] is None


@pytest.mark.parametrize("where", ["content/stories/more", f"{FOLDER}/photos"])
def test_a_linked_folder_among_the_stories_or_a_storys_files_is_an_error_not_a_silent_loss(
    site, run, tmp_path, where
):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "b.md").write_text(story("B"), encoding="utf-8")
    root = site(folder_story())
    (root / where).symlink_to(outside)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{where}:1:1: error: a linked folder, whose files would be left out" in result.err


def test_a_planned_page_that_would_leave_its_folder_is_an_error():
    pages = tuple(
        Page(path, "need.html") for path in ("needs/../index.html", "needs//index.html", "ok/index.html")
    )
    problems = check_plan(Plan(pages, ()))
    assert [(p.path, p.message) for p in problems] == [
        ("site.yaml", "'needs/../index.html' would be written outside its folder"),
        ("site.yaml", "'needs//index.html' would be written outside its folder"),
    ]


@pytest.mark.parametrize("inside", [True, False])
def test_a_linked_folder_among_the_static_files_is_an_error(site, run, tmp_path, inside):
    root = site({"content/stories/a.md": story(), "templates/static/fonts/a.woff2": b"font"})
    target = root / "templates/static/fonts" if inside else secret_outside(tmp_path).parent
    (root / "templates/static/more").symlink_to(target, target_is_directory=True)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "templates/static/more:1:1: error: a linked folder, whose files would be left out" in result.err
    assert not (root / "_site").exists()
