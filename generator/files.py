"""Files insole reads or copies: regular files inside their folder, and, from stories, without script."""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import stat
import zlib
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from .errors import Problem, display_path, error

READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check must not block the open
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
FOLDER = "folder"
SCRIPT_HINT = "remove it, or set allow_html: true in site.yaml if you trust the file"
# Files browsers show as HTML (or run as applications) that Python's own table of types does not know.
HTML_SUFFIXES = frozenset((".xhtml", ".xht", ".shtml", ".shtm", ".stm", ".hta", ".mht", ".mhtml"))
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Files browsers show as XML documents, where SVG and XHTML elements can run script.
XML_SUFFIXES = frozenset((".svgz", ".xslt", ".rss", ".atom", ".xbl", ".mml", ".mathml"))
# What makes a browser take a file of no known type for HTML (the WHATWG sniffing signatures).
HTML_START = re.compile(
    rb"\s*(<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|"
    rb"<body|<br|<p)[\s>]|\s*<!--",
    re.IGNORECASE,
)
XML_START = re.compile(rb"\s*<(\?xml|svg)[\s>]", re.IGNORECASE)
XHTML = "http://www.w3.org/1999/xhtml"
ACTIVE_ELEMENTS = {
    "script": "a <script> element",
    "foreignobject": "a <foreignObject> element",
    "iframe": "an <iframe> element",
    "embed": "an <embed> element",
    "object": "an <object> element",
    "applet": "an <applet> element",
    "frame": "a <frame> element",
    "frameset": "a <frameset> element",
    "handler": "a <handler> element",
    "listener": "a <listener> element",
}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
UNSEEN = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")
MAX_UNPACKED = 50_000_000  # an .svgz unpacked further than this is refused rather than checked


class Refused(Exception):
    """Why a file must not or cannot be read; `kind` tells a folder from other refusals."""

    def __init__(self, message: str, hint: str = "", kind: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind

    def problem(self, shown: str) -> Problem:
        """The refusal as an error at the start of the file."""
        return error(shown, 1, 1, self.message, self.hint)


class _Linked(Exception):
    """A part of a path turned out to be a symbolic link."""


def read_inside(path: Path, within: Path, where: str) -> bytes:
    """The bytes of a regular file that resolves inside the resolved folder `within` (`where` names it)."""
    with os.fdopen(open_inside(path, within, where), "rb") as file:
        try:
            return file.read()
        except OSError as exc:
            raise Refused(cannot_read(exc)) from None


def open_inside(path: Path, within: Path, where: str) -> int:
    """A descriptor for reading `path`, once it proved a regular file resolving inside `within`.

    `within` is a resolved path. Every folder on the way is opened without following links,
    so a link swapped in after the check is refused rather than followed.
    """
    lexical = Path(os.path.abspath(path))
    if lexical.is_relative_to(within):
        try:
            return _open_beneath(within, lexical.relative_to(within).parts)
        except _Linked:
            pass
    try:
        real = path.resolve(strict=True)
    except OSError as exc:
        # Python 3.13 reports a loop as ELOOP where older ones raise RuntimeError.
        if exc.errno in (errno.ENOENT, errno.ELOOP) and path.is_symlink():
            raise Refused("symbolic link that leads nowhere or in a loop") from None
        raise Refused(cannot_read(exc)) from None
    except RuntimeError:
        raise Refused("symbolic link that leads nowhere or in a loop") from None
    if not real.is_relative_to(within):
        raise Refused(f"symbolic link leads outside {where}", "copy the file in instead of linking to it")
    try:
        return _open_beneath(within, real.relative_to(within).parts)
    except _Linked:
        raise Refused("the file was replaced by a symbolic link while being read", "build again") from None


def _open_beneath(within: Path, parts: tuple[str, ...]) -> int:
    """Open `within/parts...` following no symbolic link; raises _Linked on meeting one."""
    if not parts:
        raise Refused("a folder, not a file", kind=FOLDER)
    if os.open not in os.supports_dir_fd:
        return _open_file(None, str(within.joinpath(*parts)))
    try:
        folder = os.open(within, FOLDER_FLAGS)
    except OSError as exc:
        raise Refused(cannot_read(exc)) from None
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, FOLDER_FLAGS, dir_fd=folder)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _Linked from None
                raise Refused(cannot_read(exc)) from None
            os.close(folder)
            folder = inner
        return _open_file(folder, parts[-1])
    finally:
        os.close(folder)


def _open_file(folder: int | None, name: str) -> int:
    """Open a regular file in an open folder, checked before (no FIFO is opened) and after."""
    try:
        before = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError as exc:
        raise Refused(cannot_read(exc)) from None
    if stat.S_ISLNK(before.st_mode):
        raise _Linked
    if stat.S_ISDIR(before.st_mode):
        raise Refused("a folder, not a file", kind=FOLDER)
    if not stat.S_ISREG(before.st_mode):
        raise Refused(f"{kind_of(before.st_mode)}, not a regular file", "only regular files are read")
    try:
        opened = os.open(name, READ_FLAGS, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Linked from None
        raise Refused(cannot_read(exc)) from None
    after = os.fstat(opened)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
        os.close(opened)
        raise Refused("the file was replaced while being read", "build again")
    return opened


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def cannot_read(exc: OSError) -> str:
    """Why a file cannot be read, as a message."""
    reason = exc.strerror or str(exc)
    return f"cannot read file: {reason[:1].lower()}{reason[1:]}"


def walk_error(exc: OSError) -> Problem:
    """A folder that cannot be read, as an error naming it."""
    reason = exc.strerror or str(exc)
    shown = display_path(Path(exc.filename)) if exc.filename else "."
    return error(shown, 1, 1, f"cannot read folder: {reason[:1].lower()}{reason[1:]}")


def script_problems(name: str, data: bytes, shown: str) -> list[Problem]:
    """Errors for what in a file from a story folder can run script in the site's pages."""
    kind = markup_kind(name, data[:1024])
    if kind == "html":
        return [error(shown, 1, 1, "an HTML file can run script in the site's pages", SCRIPT_HINT)]
    if kind == "sealed":
        message = "a compressed HTML or XML file cannot be checked for script"
        return [error(shown, 1, 1, message, SCRIPT_HINT)]
    if not kind:
        return []
    noun = "an SVG file" if ".svg" in name.lower() else "an XML file"
    if kind == "packed":
        try:
            data = unpacked(data)
        except Refused as refused:
            return [refused.problem(shown)]
    return xml_problems(data, shown, noun)


def markup_kind(name: str, head: bytes) -> str:
    """How a browser may show a file: 'html', 'xml', 'packed' (gzipped XML), 'sealed' (packed markup), ''."""
    lower = name.lower()
    # Python's own table, the same on every machine (the system's may differ).
    kind, packing = mimetypes.MimeTypes().guess_type(lower)
    suffixes = PurePosixPath(lower).suffixes or [""]
    inner = suffixes[-2] if packing and len(suffixes) > 1 else suffixes[-1]
    if inner in HTML_SUFFIXES or kind in HTML_TYPES:
        return "sealed" if packing else "html"
    if inner in XML_SUFFIXES or (kind or "").endswith("xml"):
        return {None: "xml", "gzip": "packed"}.get(packing, "sealed")
    if kind:
        return ""
    # Of no type Python knows, and maybe none a server knows, so a browser may choose one by the bytes.
    head = head.removeprefix(b"\xef\xbb\xbf")
    if HTML_START.match(head):
        return "html"
    return "xml" if XML_START.match(head) else ""


def unpacked(data: bytes) -> bytes:
    """A gzipped file's bytes; raises Refused when they cannot be had, or are too many."""
    inflate = zlib.decompressobj(wbits=47)  # a gzip or zlib header
    try:
        data = inflate.decompress(data, MAX_UNPACKED)
    except zlib.error as exc:
        raise Refused(f"a compressed file that cannot be unpacked ({exc})", SCRIPT_HINT) from None
    if inflate.unconsumed_tail:
        raise Refused("a compressed file too large to check for script", SCRIPT_HINT)
    return data


def xml_problems(data: bytes, shown: str, noun: str) -> list[Problem]:
    """Errors at each element, attribute or declaration of an XML file that can run script."""
    found: list[Problem] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def at(what: str) -> None:
        """An error for `what` where the parser is."""
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        found.append(error(shown, line, column, f"{what} in {noun} can run script", SCRIPT_HINT))

    def start(name: str, attributes: dict[str, str]) -> None:
        space, _, local = name.rpartition(" ")
        if space == XHTML:
            at(f"the HTML element <{local}>")
        elif local.lower() in ACTIVE_ELEMENTS:
            at(ACTIVE_ELEMENTS[local.lower()])
        for key, value in attributes.items():
            what = active_attribute(local.lower(), key.rpartition(" ")[2].lower(), value)
            if what:
                at(what)

    def instruction(target: str, text: str) -> None:
        if target.lower() == "xml-stylesheet":
            at("an xml-stylesheet instruction")

    def entity(name: str, parameter: bool, *rest: str | None) -> None:
        if rest[2] or rest[4]:  # a system id or a notation: the entity's text is another file
            at(f"the external entity '{name}'")

    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = instruction
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        message = f"{noun} that is not well-formed XML ({reason}) cannot be checked for script"
        found.append(error(shown, exc.lineno, exc.offset + 1, message, SCRIPT_HINT))
    return found


def active_attribute(element: str, name: str, value: str) -> str:
    """What an attribute of an XML element does that can run script, or ''."""
    if name.startswith("on"):
        return f"the event handler attribute '{name}'"
    plain = UNSEEN.sub("", value).lower()
    if any(scheme in plain for scheme in SCRIPT_SCHEMES):
        return f"a script link in the attribute '{name}'"
    if name == "href" and element == "use" and not plain.startswith("#"):
        return "a <use> of another file"
    if name == "href" and element == "a" and plain.startswith("data:"):
        return "a data: link"
    if name == "attributename" and element in ("set", "animate") and plain.rpartition(":")[2] == "href":
        return "an animation of a link"
    return ""
