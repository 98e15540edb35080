"""The validated-content cache: never stale, never trusted when damaged, same content."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.domain import content_cache
from skill.domain.content import ContentError, load_content
from skill.settings import Settings

CONTENT_DIR = Settings().content_dir
TOML_FILES = sorted(p.name for p in CONTENT_DIR.glob("*.toml"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy, ignore=shutil.ignore_patterns(content_cache.CACHE_NAME))
    return copy


def test_a_cache_hit_is_the_content_load_content_gives(folder: Path) -> None:
    first = content_cache.load_content_cached(folder)  # parsed, checked, written
    assert content_cache.cache_path(folder).is_file()
    cached = content_cache.read_cache(folder)
    assert cached is not None
    assert cached == first == load_content(folder)
    assert content_cache.load_content_cached(folder) == cached


@pytest.mark.parametrize("name", TOML_FILES)
def test_any_byte_of_any_content_file_changes_the_key(folder: Path, name: str) -> None:
    content_cache.load_content_cached(folder)
    before = content_cache.cache_key(folder)
    with (folder / name).open("a", encoding="utf-8") as out:
        out.write("\n# one more byte\n")
    assert content_cache.cache_key(folder) != before
    assert content_cache.read_cache(folder) is None, "a cache for other bytes is not used"


def test_a_changed_sentence_is_served_at_once(folder: Path) -> None:
    old = content_cache.load_content_cached(folder)
    relief = folder / "relief.toml"
    text = relief.read_text(encoding="utf-8")
    first_step = old.relief.step[0].text
    assert first_step in text
    relief.write_text(text.replace(first_step, "A changed first step.", 1), encoding="utf-8")
    new = content_cache.load_content_cached(folder)
    assert new.relief.step[0].text == "A changed first step."
    assert content_cache.read_cache(folder) == new, "rewritten for the new bytes"


def test_broken_content_fails_even_with_a_cache_from_before(folder: Path) -> None:
    content_cache.load_content_cached(folder)
    sources = folder / "sources.toml"
    sources.write_text(sources.read_text(encoding="utf-8") + "\n[[source]]\nid = 1\n",
                       encoding="utf-8")
    with pytest.raises(ContentError):
        content_cache.load_content_cached(folder)


def test_a_new_content_file_changes_the_key(folder: Path) -> None:
    before = content_cache.cache_key(folder)
    (folder / "extra.toml").write_text("x = 1\n", encoding="utf-8")
    assert content_cache.cache_key(folder) != before


def test_a_change_in_the_domain_code_changes_the_key(folder: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    before = content_cache.cache_key(folder)
    code = tmp_path / "domain"
    shutil.copytree(Path(content_cache.__file__).parent, code,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(content_cache, "_DOMAIN_DIR", code)
    assert content_cache.cache_key(folder) == before, "the copy is the same code"
    with (code / "content.py").open("a", encoding="utf-8") as out:
        out.write("\n# a schema change\n")
    assert content_cache.cache_key(folder) != before


@pytest.mark.parametrize("damage", [b"", b"no newline", b"\n\x00\x01", None])
def test_a_damaged_cache_is_parsed_again_and_replaced(folder: Path, damage: bytes | None) -> None:
    good = content_cache.load_content_cached(folder)
    path = content_cache.cache_path(folder)
    key = content_cache.cache_key(folder).encode()
    path.write_bytes(damage if damage is not None else key + b"\n\xc1garbage")
    assert content_cache.read_cache(folder) is None
    assert content_cache.load_content_cached(folder) == good
    assert content_cache.read_cache(folder) == good


def test_an_unwritable_folder_still_loads(folder: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError("read-only")

    monkeypatch.setattr(content_cache, "write_cache", refuse)
    assert content_cache.load_content_cached(folder) == load_content(folder)
    assert not content_cache.cache_path(folder).exists()


def test_the_skill_is_built_from_the_cache(folder: Path) -> None:
    from skill.assembly import build_skill

    build_skill(Settings(persistence="memory", content_dir=folder).as_local())
    assert content_cache.read_cache(folder) is not None


class _RunsCode:
    """Pickles as a call of os.system: what a planted cache would hold."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        import os

        return (os.system, (f"touch {self.marker}",))


def _plant(folder: Path, payload: object) -> None:
    import pickle

    key = content_cache.cache_key(folder).encode()
    content_cache.cache_path(folder).write_bytes(key + b"\n" + pickle.dumps(payload))


def test_a_cache_that_names_other_code_is_refused_and_never_run(folder: Path,
                                                                tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    _plant(folder, _RunsCode(marker))
    assert content_cache.read_cache(folder) is None
    assert not marker.exists(), "unpickling called os.system"
    assert content_cache.load_content_cached(folder) == load_content(folder), "parsed again"
    assert content_cache.read_cache(folder) is not None, "and replaced"


def test_a_cache_of_schema_records_that_is_not_the_content_is_refused(folder: Path) -> None:
    content = load_content(folder)
    _plant(folder, content.files.sources)  # a Struct of the schema, but not a Content
    assert content_cache.read_cache(folder) is None


@pytest.mark.parametrize("mode, used", [(0o644, True), (0o600, True), (0o664, False),
                                        (0o646, False), (0o666, False)])
def test_a_cache_others_may_write_is_not_read(folder: Path, mode: int, used: bool) -> None:
    content_cache.load_content_cached(folder)
    content_cache.cache_path(folder).chmod(mode)
    assert (content_cache.read_cache(folder) is not None) is used


def test_a_cache_owned_by_someone_else_is_not_read(folder: Path, monkeypatch) -> None:
    import os

    content_cache.load_content_cached(folder)
    owner = content_cache.cache_path(folder).stat().st_uid
    assert content_cache.read_cache(folder) is not None
    monkeypatch.setattr(os, "getuid", lambda: owner + 1000)
    expected_used = owner == 0  # root's files are trusted like the interpreter's own
    assert (content_cache.read_cache(folder) is not None) is expected_used
