"""Both languages: every text the code and templates mark for translation has a German
translation that isn't fuzzy, and the compiled catalogue is the one built from it."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "barcamp/translations/de/LC_MESSAGES"


def test_every_marked_text_has_a_german_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = [m for m in read_po(f) if m.id]
    with (CATALOG / "messages.po").open("rb") as f:
        german = read_po(f)
    assert len(wanted) > 500  # the extraction found the app's texts

    def translated(message) -> bool:
        have = german.get(message.id)
        if have is None or have.fuzzy:
            return False
        strings = have.string if isinstance(have.string, tuple) else (have.string,)
        return all(strings)

    missing = [m.id for m in wanted if not translated(m)]
    assert missing == []


def test_the_compiled_catalogue_matches_its_source():
    def entries(catalog):
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731 (plurals)
        return {as_tuple(m.id): as_tuple(m.string) for m in catalog if m.id and not m.fuzzy}

    with (CATALOG / "messages.po").open("rb") as f:
        source = entries(read_po(f))
    with (CATALOG / "messages.mo").open("rb") as f:
        compiled = entries(read_mo(f))
    assert compiled == source  # "pybabel compile -d barcamp/translations" after editing the .po
