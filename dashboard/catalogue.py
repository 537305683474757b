"""The translation catalogues: extract every message with Babel and keep the ``.po`` files in step.

    python -m dashboard.catalogue extract   # write dashboard/locale/messages.pot
    python -m dashboard.catalogue update    # merge it into each language's messages.po
    python -m dashboard.catalogue check     # exit 1 if the template or a catalogue is out of step

Messages come from two places: the code (``_()``, ``ngettext()`` and ``N_()`` calls, read with Babel's
Python extractor) and the current snapshot's own text (the claims ledger's paraphrases and quotes, the
provenance files' definitions and caveats), which readers see translated too.  Build tooling: the app
never imports this module.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dashboard import settings, snapshots
from dashboard.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": (1,), "N_": None, "ngettext": (1, 2)}
# Text fields of the snapshot a reader sees (and so reads in their language).
LEDGER_FIELDS = ("paraphrase", "quote", "attribution", "note")
RULE_FIELDS = ("unchecked",)
PROVENANCE_FIELDS = ("short", "definition")


def _code_messages(catalog: Catalog) -> None:
    method_map = [("**.py", "python")]
    options = {"**.py": {"encoding": "utf-8"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map, options, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        if message and (message if isinstance(message, str) else message[0]):
            catalog.add(message, None, [(f"dashboard/{filename}", lineno)], auto_comments=comments, context=context)


def _snapshot_messages(catalog: Catalog, directory: Path) -> None:
    ledger = json.loads((directory / snapshots.LEDGER).read_text(encoding="utf-8"))
    # Published snapshots, by role not by id: a new snapshot with the same texts changes no catalogue.
    where = f"data/{snapshots.FOLDER}/(published)"
    for i, claim in enumerate(ledger):
        for field in LEDGER_FIELDS:
            if claim.get(field):
                catalog.add(claim[field], None, [(f"{where}/{snapshots.LEDGER}", i + 1)],
                            auto_comments=[f"claims ledger: {claim.get('id')}.{field}"])
        rule = (claim.get("query") or {}).get("rule") or {}
        for field in RULE_FIELDS:
            if rule.get(field):
                catalog.add(rule[field], None, [(f"{where}/{snapshots.LEDGER}", i + 1)],
                            auto_comments=[f"claims ledger: {claim.get('id')}.rule.{field}"])
    for path in sorted(directory.glob("*.provenance.json")):
        prov = json.loads(path.read_text(encoding="utf-8"))
        for field in PROVENANCE_FIELDS:
            if prov.get(field):
                catalog.add(prov[field], None, [(f"{where}/{path.name}", 1)], auto_comments=[f"provenance: {field}"])
        for caveat in prov.get("caveats", ()):
            catalog.add(caveat, None, [(f"{where}/{path.name}", 1)], auto_comments=["provenance: caveat"])


def extract(data_dir: Path | None = None) -> Catalog:
    """Every message of the code and of every published snapshot, as a template catalogue: an embed pinned to
    an earlier snapshot (``?as_of=``) shows that snapshot's caveats, in the reader's language too."""
    catalog = Catalog(project="kz-emigration", domain=DOMAIN, charset="utf-8", fuzzy=False)
    _code_messages(catalog)
    store = snapshots.Store(Path(data_dir or settings.data_dir()))
    for snapshot_id in store.published():
        _snapshot_messages(catalog, store.folder / snapshot_id)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    return buffer.getvalue()


def _stable(raw: bytes) -> bytes:
    """A .po/.pot without the lines that change on every run (creation and revision dates)."""
    return b"\n".join(line for line in raw.splitlines() if b"-Date:" not in line)


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(lang: str, template: Catalog) -> Catalog:
    """``lang``'s catalogue merged with the template: new messages added (untranslated), gone ones dropped."""
    path = catalogue_path(lang)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="kz-emigration", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    return catalog


def write(data_dir: Path | None = None) -> list[Path]:
    template = extract(data_dir)
    written = [TEMPLATE]
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(template))
    for lang in LANGUAGES:
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(updated(lang, template)))
        written.append(path)
    return written


def stale(data_dir: Path | None = None) -> list[str]:
    """The files that differ from what ``write`` would produce (empty when everything is in step)."""
    template = extract(data_dir)
    expected = {TEMPLATE: _po_bytes(template), **{catalogue_path(lang): _po_bytes(updated(lang, template))
                                                 for lang in LANGUAGES}}
    return [str(path.relative_to(PACKAGE.parent)) for path, raw in expected.items()
            if not path.exists() or _stable(path.read_bytes()) != _stable(raw)]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command in ("extract", "update"):
        for path in write():
            print(f"wrote {path.relative_to(PACKAGE.parent)}")
        return 0
    if command == "check":
        out = stale()
        for path in out:
            print(f"out of step with the code: {path} (run: python -m dashboard.catalogue update)")
        return 1 if out else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
