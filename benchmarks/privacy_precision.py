"""Precision of the personal-data scan on real text, and its recall on planted numbers.

    python3 benchmarks/privacy_precision.py
    python3 benchmarks/privacy_precision.py --scanner /tmp/privacy_before.py   # another version
    python3 benchmarks/privacy_precision.py --dump findings.tsv                 # to label by reading

The corpus is about 1,000 real documents this machine holds (Debian's changelogs, READMEs and
copyright files, manual pages, the METADATA of installed Python packages, CMake's
reStructuredText help, npm's and Node's Markdown docs, the docstrings of Python's standard
library), picked from sorted lists with a fixed seed. Each finding was read in its line and
labelled true (it is an e-mail address, phone or identity number) or false in
benchmarks/privacy_labels.tsv, keyed by a digest of the document, place and text so that no
address is copied into this repository. Findings no label covers are counted apart.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import hashlib
import importlib.util
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
LABELS = HERE / "privacy_labels.tsv"
SEED = 20261128
LONGEST = 200_000  # characters of a document that are read
DOC = Path("/usr/share/doc")
PYTHON = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"


def pick(paths: list[Path], count: int, salt: str) -> list[Path]:
    """`count` of the paths (all when fewer), the same ones on every run."""
    paths = sorted(set(paths))
    return sorted(random.Random(f"{SEED}{salt}").sample(paths, min(count, len(paths))))


def doc_files(test: Callable[[str], bool]) -> list[Path]:
    """The regular files under /usr/share/doc whose names pass `test`."""
    return [p for p in DOC.rglob("*") if p.is_file() and not p.is_symlink() and test(p.name.lower())]


def is_changes(name: str) -> bool:
    """True for change logs and release notes."""
    return name.startswith(("changelog", "news", "changes"))


def is_other_doc(name: str) -> bool:
    """True for READMEs, copyright files and the like (plain or gzipped text)."""
    stem = name.removesuffix(".gz")
    return not is_changes(name) and (
        stem in ("copyright", "authors", "thanks", "todo", "faq") or "readme" in stem
    )


def sources() -> Iterator[tuple[str, Path]]:
    """Each source's name and the files picked from it."""
    metadata = list(Path(sys.prefix).glob("lib/python*/site-packages/*/METADATA"))
    metadata += Path("/usr/lib/python3/dist-packages").glob("*/METADATA")
    metadata = [path for path in metadata if not path.parent.name.startswith("insole")]  # our own README
    picks = {
        "changelog": pick(doc_files(is_changes), 220, "changelog"),
        "doc": pick(doc_files(is_other_doc), 200, "doc"),
        "man": pick(list(Path("/usr/share/man").glob("man[1-8]/*.gz")), 200, "man"),
        "metadata": pick(metadata, 80, "metadata"),
        "rst": pick(list(Path("/usr/share").glob("cmake-*/Help/**/*.rst")), 150, "rst"),
        "markdown": pick(
            list(Path("/usr/lib/node_modules/npm").rglob("*.md"))
            + list(Path("/usr/share/doc/nodejs").rglob("*.md")),
            100,
            "markdown",
        ),
        "docstring": pick(list(PYTHON.glob("*.py")), 80, "docstring"),
    }
    for name, paths in picks.items():
        for path in paths:
            yield name, path


def read(name: str, path: Path) -> str:
    """A document's text: decompressed, and for Python modules their docstrings only."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", errors="replace")[:LONGEST]
    return docstrings(text) if name == "docstring" else text


def docstrings(source: str) -> str:
    """Every docstring of a Python module, one after the other."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = (ast.get_docstring(node) for node in ast.walk(tree) if isinstance(node, kinds))
    return "\n\n".join(text for text in found if text)


PHONE_WORDS = re.compile(r"(?i)(?:phone|tel[.:]|fax|tlf|telefon)[^a-z\n]{0,12}[+(0-9]")


def corpus() -> list[tuple[str, str, str]]:
    """Each document's source, path and text, then the lines on the machine that name a phone."""
    docs = [(name, str(path), read(name, path)) for name, path in sources()]
    return [*docs, ("phone-lines", "phone-lines", phone_lines())]


def phone_lines() -> str:
    """Every line under /usr/share/doc and /usr/share/man in which a word for a phone comes before digits.

    The random documents hold few phone numbers; these lines hold most of those on the machine.
    """
    found = set()
    for path in [*DOC.rglob("*"), *Path("/usr/share/man").rglob("*")]:
        if path.is_file() and not path.is_symlink():
            try:
                text = read("", path)
            except (OSError, EOFError, gzip.BadGzipFile):
                continue
            found.update(line.strip() for line in text.splitlines() if PHONE_WORDS.search(line))
    return "\n".join(sorted(found))


def load_scanner(path: Path | None) -> ModuleType:
    """generator.privacy, or the version of it in another file."""
    if path is None:
        sys.path.insert(0, str(HERE.parent))
        import generator.privacy as privacy

        return privacy
    sys.path.insert(0, str(HERE.parent))  # its parts (identity, phones) are generator's
    spec = importlib.util.spec_from_file_location("generator.privacy_other", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def key(path: str, line: int, column: int, text: str) -> str:
    """The label key of a finding: a digest, so the labels hold no address or number."""
    return hashlib.blake2b(f"{path}\n{line}\n{column}\n{text}".encode(), digest_size=8).hexdigest()


def load_labels() -> dict[str, tuple[str, str]]:
    """Each labelled finding's verdict ('true' or 'false') and the class of a false one."""
    if not LABELS.exists():
        return {}
    with LABELS.open(encoding="utf-8") as f:
        return {row[0]: (row[2], row[3]) for row in csv.reader(f, delimiter="\t") if row and row[0] != "key"}


def findings(privacy: ModuleType, docs: list[tuple[str, str, str]]) -> list[tuple[str, str, str, object]]:
    """Each finding with its label key, kind and the line it stands in."""
    found = []
    for _, path, text in docs:
        lines = text.splitlines()
        for f in privacy.scan(text):
            context = lines[f.line - 1] if f.line <= len(lines) else ""
            found.append((key(path, f.line, f.column, f.text), f.kind, context.strip()[:200], f))
    return found


def report(found: list[tuple[str, str, str, object]], labels: dict[str, tuple[str, str]]) -> None:
    """Findings per kind, true and false, precision, and the false ones by class."""
    counts: Counter[tuple[str, str]] = Counter()
    classes: Counter[tuple[str, str]] = Counter()
    for k, kind, _, _ in found:
        verdict, why = labels.get(k, ("unlabelled", ""))
        counts[kind, verdict] += 1
        if verdict == "false":
            classes[kind, why] += 1
    print(f"{'kind':<20}{'findings':>9}{'true':>6}{'false':>6}{'unlabelled':>11}{'precision':>10}")
    for kind in sorted({kind for kind, _ in counts}):
        true, false, other = counts[kind, "true"], counts[kind, "false"], counts[kind, "unlabelled"]
        precision = f"{true / (true + false):.3f}" if true + false else "-"
        print(f"{kind:<20}{true + false + other:>9}{true:>6}{false:>6}{other:>11}{precision:>10}")
    for (kind, why), n in sorted(classes.items()):
        print(f"  false {kind}: {why} {n}")


def dump(found: list[tuple[str, str, str, object]], labels: dict[str, tuple[str, str]], out: Path) -> None:
    """Write the unlabelled findings with their lines, to be read and labelled."""
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t")
        for k, kind, context, finding in found:
            if k not in labels:
                writer.writerow([k, kind, getattr(finding, "text", ""), context])


def planted(privacy: ModuleType, docs: list[tuple[str, str, str]]) -> None:
    """Recall: numbers of each kind planted in real lines of the corpus, and how many are found."""
    rng = random.Random(SEED)
    lines = [line for _, _, text in docs for line in text.splitlines() if 20 < len(line) < 120]
    hits: Counter[str] = Counter()
    tries: Counter[str] = Counter()
    for kind, number in planted_numbers(rng):
        line, cut = planting_place(rng, lines)
        text = f"{line[:cut]}{number} {line[cut:]}"
        tries[kind] += 1
        hits[kind] += any(f.column == cut + 1 and f.text == number for f in privacy.scan(text))
    print(f"{'planted':<26}{'tries':>6}{'found':>6}{'recall':>8}")
    for kind in sorted(tries):
        print(f"{kind:<26}{tries[kind]:>6}{hits[kind]:>6}{hits[kind] / tries[kind]:>8.3f}")
    phones = [kind for kind in tries if kind.startswith("phone")]
    found, tried = sum(hits[kind] for kind in phones), sum(tries[kind] for kind in phones)
    print(f"{'phone, all formats':<26}{tried:>6}{found:>6}{found / tried:>8.3f}")


def planting_place(rng: random.Random, lines: list[str]) -> tuple[str, int]:
    """A line and a place in it before a word (a number glued to digits would be another number)."""
    while True:
        line = rng.choice(lines)
        cut = line.rfind(" ", 0, len(line) // 2) + 1
        if line[cut].isalpha():
            return line, cut


PHONE_FORMATS = (
    "+46 8 ### ## ##",
    "+46 70 ### ## ##",
    "+46 (0)8 ### ### ##",
    "08-### ## ##",
    "070-### ## ##",
    "031-## ## ##",
    "040 ### ####",
    "0046 8 ### ## ##",
    "+45 ## ## ## ##",
    "+47 ### ## ###",
    "+358 40 ### ####",
    "+1 555 ### ####",
    "+1 (555) ###-####",
    "(555) ###-####",
    "+44 20 #### ####",
    "+49 30 #######",
)
NORDIC_FORMATS = ("3# ## ## ##", "9## ## ###", "4### ####")


def planted_numbers(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Phone numbers in many formats and valid identity numbers, with their kinds, 100 of each format."""
    for form in PHONE_FORMATS + NORDIC_FORMATS:
        for _ in range(100):
            yield f"phone {form}", "".join(str(rng.randrange(10)) if c == "#" else c for c in form)
    for _ in range(300):
        name, domain = rng.choice(["kim", "anna.berg", "j_s"]), rng.choice(["firma.se", "mail.dk"])
        yield "email", f"{name}{rng.randrange(99)}@{domain}"
        yield "personnummer", personnummer(rng)


def personnummer(rng: random.Random) -> str:
    """A Swedish personnummer YYMMDD-NNNC with a right Luhn digit and a made-up date."""
    date = f"{rng.randrange(30, 99):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    nine = f"{date}{rng.randrange(1000):03d}"
    total = sum(
        int(c) * (2 if i % 2 == 0 else 1) // 10 + int(c) * (2 if i % 2 == 0 else 1) % 10
        for i, c in enumerate(nine)
    )
    return f"{nine[:6]}-{nine[6:]}{(10 - total % 10) % 10}"


def main() -> None:
    """Scan the corpus, then print precision per kind and recall on planted numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scanner", type=Path, help="a privacy.py to measure instead of generator/privacy.py"
    )
    parser.add_argument("--dump", type=Path, help="write the unlabelled findings here, to be labelled")
    args = parser.parse_args()
    privacy = load_scanner(args.scanner)
    docs = corpus()
    print(f"{len(docs)} documents, {sum(len(t) for _, _, t in docs) / 1e6:.1f} million characters")
    print(Counter(name for name, _, _ in docs))
    found = findings(privacy, docs)
    labels = load_labels()
    report(found, labels)
    planted(privacy, docs)
    if args.dump:
        dump(found, labels, args.dump)


if __name__ == "__main__":
    main()
