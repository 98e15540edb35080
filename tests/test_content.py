"""Content: loads, every item is sourced, nothing is copied, and bad files fail fast."""
from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from skill.domain.content import (
    FILES, GENERAL, OTHER, ContentError, load_content, sourced_items)
from skill.settings import PROJECT_ROOT

CONTENT_DIR = PROJECT_ROOT / "content"
WORD = re.compile(r"[a-z0-9']+")
RUN = 8


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT_DIR)


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("\u2019", "'"))


def _raw_tables(value, path=""):
    """Every TOML table (dict) in a decoded file, with its path."""
    if isinstance(value, dict):
        yield path, value
        for key, child in value.items():
            yield from _raw_tables(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _raw_tables(child, f"{path}[{index}]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


def test_every_file_loads(content) -> None:
    assert {p.name for p in CONTENT_DIR.glob("*.toml")} == set(FILES)
    assert [m.id for m in content.muscles] == ["CALF", "FOOT", "THIGH_FRONT", "THIGH_BACK", "THIGH"]


def test_every_spoken_table_cites_known_articles(content) -> None:
    """Read straight from the TOML, independently of the schema: any table with a `text`
    has a non-empty `sources` list of known ids, unless it is an editorial line (it has a
    `why` instead, and cites nothing: README lists each one)."""
    known = set(content.sources)
    checked = 0
    for name in FILES:
        raw = tomllib.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))
        for path, table in _raw_tables(raw):
            if "why" in table:
                assert "sources" not in table, f"{name}: {path} is editorial but cites articles"
                continue
            spoken = "text" in table or "default_seconds" in table
            if spoken or (name == "medical.toml" and "name" in table):
                sources = table.get("sources")
                assert sources, f"{name}: {path} has no sources"
                assert set(sources) <= known, f"{name}: {path} cites {set(sources) - known}"
                checked += 1
    assert checked >= 60
    assert all(set(item.sources) <= known for _, _, item in sourced_items(content))


def _titles(seeds_dir: Path) -> list[str]:
    """The articles' own titles, as listed in the seeds' README (quoting one is citing)."""
    rows = (seeds_dir / "README.md").read_text(encoding="utf-8").splitlines()
    return [" " + " ".join(_words(row.split("|")[2])) + " "
            for row in rows if row.startswith("| 0") and row.count("|") > 3]


def test_no_run_of_eight_words_is_copied_from_an_article(seeds_dir: Path) -> None:
    """Titles aside: a run that is part of an article's own title, quoted, is a citation."""
    titles = _titles(seeds_dir)
    assert titles, "no titles found in the seeds' README"
    grams: dict[tuple[str, ...], str] = {}
    for seed in sorted(seeds_dir.glob("*.txt")):
        words = _words(seed.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(words) - RUN + 1):
            grams.setdefault(tuple(words[i:i + RUN]), seed.name)
    assert grams, "no article text found"
    copied = []
    for path in sorted(CONTENT_DIR.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for text in [path.read_text(encoding="utf-8"), *_strings(raw)]:
            words = _words(text)
            copied += [(path.name, " ".join(words[i:i + RUN]), grams[tuple(words[i:i + RUN])])
                       for i in range(len(words) - RUN + 1) if tuple(words[i:i + RUN]) in grams
                       and not any(f" {' '.join(words[i:i + RUN])} " in t for t in titles)]
    assert copied == []


def test_sources_point_at_the_seed_files(content, seeds_dir: Path) -> None:
    assert sorted(content.sources) == ["000", "001", "002", "003", "004"]
    for source in content.sources.values():
        assert (seeds_dir / source.file).is_file(), source.file
        assert source.file.startswith(source.id + "_")


def test_relief_covers_every_remedy_the_issue_lists(content) -> None:
    steps = {s.id: s for s in content.relief.step}
    assert {"massage", "stand", "walk", "heat", "cold", "pain_reliever", "elevate", "lip_pinch"} <= set(steps)
    assert "30 seconds" in steps["lip_pinch"].text and "lip" in steps["lip_pinch"].text
    assert "towel" in steps["cold"].text
    assert "weight" in steps["stand"].text
    assert "ibuprofen or acetaminophen" in steps["pain_reliever"].text
    toes = content.caution("no_pointed_toes")
    assert "point your toes" in toes.text.lower()
    heating = content.caution(steps["heat"].first)
    assert "diabetes" in heating.text and "spinal cord" in heating.text
    # article 003's third case: anything else that stops you feeling heat
    assert "other condition" in heating.text and re.search(r"\bfeeling heat\b", heating.text)


def test_each_muscle_has_its_own_stretch_and_the_thigh_is_not_mixed_up(content) -> None:
    stretches = {s.muscle: s for s in content.relief.stretch}
    assert set(stretches) == {GENERAL, OTHER, *(m.id for m in content.muscles)}
    assert "buttocks" in stretches["THIGH_FRONT"].text and "front of the thigh" in stretches["THIGH_FRONT"].text
    back = stretches["THIGH_BACK"].text.lower()
    assert "buttocks" not in back and "toes" in back and "straight" in back
    for stretch in stretches.values():
        # the foot toward the buttocks is only ever said for the front of the thigh
        for clause in re.split(r"[;.]", stretch.text.lower()):
            if "buttocks" in clause:
                assert stretch.muscle in ("THIGH_FRONT", "THIGH") and "front" in clause
                assert "hamstring" not in clause and "back of" not in clause
    assert content.relief_plan("THIGH_BACK")[0].text == stretches["THIGH_BACK"].text
    assert content.relief_plan(None)[0].text == stretches[GENERAL].text
    assert content.relief_plan("ELBOW")[0].text == stretches[GENERAL].text
    assert content.relief_plan(OTHER)[0].text == stretches[OTHER].text


def test_a_thigh_without_a_side_gets_both_stretches_each_on_its_side(content) -> None:
    """Front: foot toward the buttocks; back: the straight-leg toe reach (not 002's
    pairing). The instruction opens the step; the cue covers both sides too."""
    assert content.muscle_from_phrase("my thigh").id == "THIGH"
    assert content.muscle_from_phrase("upper leg").id == "THIGH"
    stretch = content.stretch_for("THIGH")
    front, back = stretch.text.lower().split(";")
    assert "front" in front and "buttocks" in front and "knee" in front
    assert "back" in back and "straight" in back and "toes" in back and "buttocks" not in back
    cue_front, cue_back = stretch.cue.lower().split(". ")
    assert "front" in cue_front and "buttocks" in cue_front
    assert "back" in cue_back and "toes" in cue_back and "buttocks" not in cue_back


def test_an_unknown_muscle_gets_a_stretch_for_any_muscle(content) -> None:
    """Toes toward the shin tightens a shin muscle: the stretch for a named but unknown
    muscle is article 000's muscle-neutral advice. With none named, the general stretch
    stays calf-style (most night cramps are in the calf)."""
    other = content.stretch_for(OTHER)
    for words in (other.text.lower(), other.cue.lower()):
        assert "shin" not in words and "toes" not in words and "calf" not in words
        assert "stretch the tight muscle" in words
    assert "move around" in other.text
    assert set(other.sources) == {"000"}
    assert "shin" in content.stretch_for(None).text
    assert content.plan_key(OTHER) == OTHER and content.plan_key("THIGH") == "THIGH"
    assert content.plan_key("ELBOW") is None and content.plan_key(GENERAL) is None


def test_ambiguous_words_pick_no_muscle(content) -> None:
    """"The back of my leg" could be the calf or the hamstring: it is not a synonym."""
    for phrase in ("back of my leg", "the back of my leg", "leg", "shin"):
        assert content.muscle_from_phrase(phrase) is None, phrase


def test_no_doses_and_no_drug_but_article_001s_two_in_the_relief_steps(content) -> None:
    """Only the two pain relievers article 001 names, in the pain-relief step, never a dose
    (and never naproxen, which 001 links to cramps)."""
    for step in content.relief_plan(None):
        spoken = step.text.lower()
        for banned in ("paracetamol", "naproxen", "aspirin", "mg", "milligram", "tablet",
                       "pill", "dose"):
            assert not re.search(rf"\b{banned}\b", spoken), (step.id, banned)
        assert not re.search(r"\d", spoken) or step.id == "lip_pinch", step.id
        if step.id != "pain_reliever":
            assert "ibuprofen" not in spoken and "acetaminophen" not in spoken, step.id


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def test_serious_check_content(content) -> None:
    questions = content.serious.question
    assert 1 <= len(questions) <= 6
    # the safe order: emergency signs, other symptoms (named), then the doctor questions
    assert [q.kind for q in questions] == ["emergency", "emergency", "emergency",
                                           "doctor_first", "doctor", "doctor"]
    assert [q.id for q in questions] == ["long_lasting", "unbearable", "toxic_contact",
                                         "other_symptoms", "frequent_or_disruptive", "walking"]
    emergency = " ".join(q.text for q in questions if q.kind == "emergency").lower()
    for sign in ("ten minutes", "bear", "poisonous", "infectious", "stung", "bitten"):
        assert sign in emergency
    other = " ".join(q.text for q in questions if q.kind == "doctor_first").lower()
    for sign in ("swelling", "redness", "warmth", "numbness", "weakness", "other symptoms"):
        assert sign in other
    doctor = " ".join(q.text for q in questions if q.kind == "doctor").lower()
    for sign in ("coming back", "sleep", "day", "once the cramp has gone", "walk", "stand"):
        assert sign in doctor
    # every emergency question says at once when to call if the answer is "not sure"; only
    # the sting, bite or contact one holds the relief steps back for the session
    for question in questions:
        if question.kind == "emergency":
            assert question.unsure.startswith("Call your local emergency number")
            assert len(SENTENCE_END.split(question.unsure)) == 1  # one sentence before the next question
    assert [q.id for q in questions if q.unsure_holds_back] == ["toxic_contact"]
    # the check asks nothing about a person's own medicines or conditions: it informs
    assert "medicine" not in doctor + other and "condition" not in doctor + other
    assert "medicines and conditions are linked" in content.outcome("reassure").text.lower()
    assert "general information, not a diagnosis" in content.outcome("reassure").text
    assert content.outcome("emergency").text.startswith("Call your local emergency number")
    # other symptoms in the check: the red-flag table's doctor-first answer, word for word
    assert content.outcome("doctor_first").text == content.index.sign_answers["doctor"].text
    assert "skip massage, heat and stretching" in content.outcome("doctor_first").text
    assert "not medical advice" in content.serious.disclaimer.text


def test_issue_five_lists_are_there(content) -> None:
    assert len(content.prevention.tip) >= 6
    assert any("magnesium" in t.text and "pregnant" in t.text for t in content.prevention.tip)
    dehydration = next(c for c in content.causes.cause if c.id == "dehydration_disputed")
    assert "disputed" in dehydration.text and len(dehydration.sources) >= 2
    assert {"STATINS", "GABAPENTIN"} <= {m.id for m in content.medical.medicine}
    assert "doctor" in content.medical.advice.text


#: Names broader than any listed item: the articles list only the item itself.
BROADER = ["sleeping pill", "sleeping pills", "water pill", "arthritis", "cholesterol medicine",
           "blood sugar", "kidney disease", "liver disease", "liver problems", "poor circulation",
           "blood clot in the leg", "Baker's cyst", "heart problems", "painkiller"]


@pytest.mark.parametrize("phrase", BROADER)
def test_no_synonym_is_broader_than_the_listed_item(content, phrase) -> None:
    for kind in ("medicine", "condition"):
        assert content.medical_from_phrase(kind, phrase) is None, (kind, phrase)


def test_a_condition_answer_sends_to_the_doctor_and_keeps_the_medicine_advice(content) -> None:
    """Articles 001 and 004: the listed conditions raise the risk and need a doctor's care.
    One sentence, so the answer stays at two before the question."""
    line = content.medical.condition_advice
    assert "talk to your doctor about your cramps" in line.text.lower()
    assert content.medical.advice.text.lower().rstrip(".") in line.text.lower()
    assert len(re.findall(r"[.!?](\s|$)", line.text)) == 1
    assert {"001", "004"} <= set(line.sources)


def test_spoken_lines_are_short(content) -> None:
    """One sentence per step, and no sentence a sleepy listener can't follow (the medicine
    list, said only on request, is the one long line)."""
    for step in content.relief.step + content.relief.stretch + content.relief.caution:
        assert len(re.findall(r"[.!?](\s|$)", step.text)) == 1, step.text
    for step in content.relief_plan(None):
        # said with a caution first at most: two sentences, then the question
        assert len(re.findall(r"[.!?](\s|$)", step.text)) == (2 if step.first else 1), step.text
    for _, path, item in sourced_items(content):
        for sentence in re.split(r"(?<=[.!?])\s+", getattr(item, "text", None) or ""):
            assert len(_words(sentence)) <= 32, (path, sentence)


# -- failing fast -----------------------------------------------------------------------------

@pytest.fixture
def broken(tmp_path: Path):
    """A writable copy of the content folder, and a way to edit one file in it."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)

    def edit(name: str, old: str, new: str, count: int = 1) -> Path:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, count), encoding="utf-8")
        return folder
    return folder, edit


def test_the_copy_loads(broken) -> None:
    folder, _ = broken
    load_content(folder)


@pytest.mark.parametrize("name, old, new, message", [
    ("relief.toml", 'cue = "Keep your weight on that leg, heel down."\nsources = ["001", "003", "004"]',
     'cue = "Keep your weight on that leg, heel down."\nsources = ["001", "009", "004"]',
     "content/relief.toml: step[1].sources[1]: unknown article id '009'"),
    ("relief.toml", 'id = "massage"\ntext =', 'id = "massage"\ntxt =', "content/relief.toml: step[0]: Object contains unknown field `txt`"),
    ("relief.toml", 'sources = ["001"]\n\n# The sources disagree', 'sources = []\n\n# The sources disagree', "content/relief.toml: stretch[2].sources"),
    ("relief.toml", 'muscle = "FOOT"', 'muscle = "ELBOW"', "content/relief.toml: stretch[2].muscle: unknown muscle id 'ELBOW'"),
    ("relief.toml", 'first = "cannot_feel_heat"', 'caution = "hot_pad"', "content/relief.toml: step[4].caution: unknown caution 'hot_pad'"),
    ("relief.toml", 'first = "cannot_feel_heat"', 'first = "hot_pad"', "content/relief.toml: step[4].first: unknown caution 'hot_pad'"),
    ("relief.toml", 'first = "emergency_signs"', 'caution = "emergency_signs"',
     "content/relief.toml: step: exactly one step must say 'emergency_signs' first"),
    ("relief.toml", 'text = "Call your local emergency number if the cramp itself', 'text = "Please call for help if the cramp itself',
     "content/relief.toml: caution 'emergency_signs': must start with 'Call your local emergency number'"),
    ("relief.toml", '[closing]\ntext', '[closer]\ntext', "content/relief.toml: Object contains unknown field `closer`"),
    ("sources.toml", 'author = "Wen Dan Jiang"', 'writer = "Wen Dan Jiang"', "content/sources.toml: source[4]: Object contains unknown field `writer`"),
    ("sources.toml", 'untitled = "a Healthline', 'title = "Leg cramp remedies"\nuntitled = "a Healthline',
     "content/sources.toml: source[3]: needs either a title or an untitled description"),
    ("sources.toml", 'author = "Wen Dan Jiang"', 'untitled = "an article"',
     "content/sources.toml: source[4]: needs a publisher or an author"),
    ("medical.toml", 'synonyms = ["polyneuropathy"]', 'synonyms = ["polyneuropathy", "neuropathy"]',
     "content/medical.toml: condition 'POLYNEUROPATHY': 'neuropathy' already names 'NERVE_DAMAGE'"),
    ("medical.toml", 'synonyms = ["aleve"]', 'synonyms = ["aleve", "diabetes"]',
     "'diabetes' already names 'NAPROXEN'"),
    ("medical.toml", 'why = "A name the articles', 'sources = ["001"]\nwhy = "A name the articles',
     "content/medical.toml: unlisted: Object contains unknown field `sources`"),
    ("relief.toml", 'id = "walk"', 'id = "stand"', "content/relief.toml: step[2].id: duplicate id 'stand'"),
    ("relief.toml", "[closing]", "[closing\n", "content/relief.toml: invalid TOML"),
    ("serious.toml", 'kind = "emergency"', 'kind = "doctor"', "emergency questions must come before doctor questions"),
    ("serious.toml", 'kind = "emergency"', 'kind = "doctor_first"', "emergency questions must come before doctor questions"),
    ("serious.toml", 'id = "doctor_first"', 'id = "watch"', "no outcome with id 'doctor_first'"),
    ("serious.toml", 'kind = "doctor"', 'kind = "urgent"', "content/serious.toml: question[4].kind"),
    # the safe order: other symptoms before the doctor questions (a yes there ends the check)
    ("serious.toml", 'id = "walking"\nkind = "doctor"', 'id = "walking"\nkind = "doctor_first"',
     "doctor-first questions must come before doctor questions"),
    # "not sure" to an emergency question: its own line, opening with the emergency number
    ("serious.toml", 'unsure = "Call your local emergency number if the pain becomes more than you can bear."\n', "",
     "content/serious.toml: question[1].unsure: an emergency question needs its 'not sure' line"),
    ("serious.toml", 'unsure = "Call your local emergency number if it lasts', 'unsure = "If it lasts',
     "content/serious.toml: question[0].unsure: must start with 'Call your local emergency number'"),
    ("serious.toml", 'id = "walking"\nkind = "doctor"', 'id = "walking"\nkind = "doctor"\nunsure_holds_back = true',
     "content/serious.toml: question[5]: only an emergency question has a 'not sure' line"),
    ("serious.toml", "unsure_holds_back = true", 'unsure_holds_back = "yes"',
     "content/serious.toml: question[2].unsure_holds_back: Expected `bool`"),
    ("serious.toml", "[card]\n", "[cards]\n", "content/serious.toml: Object contains unknown field `cards`"),
    ("serious.toml", "Call your local emergency number now", "Please call for help now",
     "content/serious.toml: outcome[0].text: must start with 'Call your local emergency number'"),
    ("countdown.toml", "default_seconds = 30", "default_seconds = 300", "content/countdown.toml: default_seconds"),
    ("countdown.toml", "default_seconds = 30", 'default_seconds = "thirty"', "content/countdown.toml: default_seconds: Expected `int`"),
    ("muscles.toml", 'id = "FOOT"', 'id = "CALF"', "content/muscles.toml: muscle[1].id: duplicate id 'CALF'"),
    ("muscles.toml", 'id = "FOOT"', 'id = "OTHER"', "content/muscles.toml: muscle[1].id: 'OTHER' is reserved for a stretch"),
    ("relief.toml", 'muscle = "OTHER"', 'muscle = "ELSE"', "content/relief.toml: stretch: no stretch for muscle 'OTHER'"),
    ("medical.toml", "don't stop or change a medicine", "don't stop a medicine",
     "content/medical.toml: condition_advice.text: must include the advice"),
    ("medical.toml", 'sources = ["004"]', 'sources = ["4"]', "content/medical.toml: medicine[6].sources[0]: unknown article id '4'"),
])
def test_a_bad_file_fails_naming_the_file_and_the_item(broken, name, old, new, message) -> None:
    _, edit = broken
    folder = edit(name, old, new)
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert message in str(caught.value)


def test_a_missing_file_is_named(broken) -> None:
    folder, _ = broken
    (folder / "serious.toml").unlink()
    with pytest.raises(ContentError, match="content/serious.toml: content file is missing"):
        load_content(folder)


def test_a_bad_content_dir_stops_the_app_at_start_up(broken, tmp_path) -> None:
    from skill.app import create_app
    from skill.settings import Settings

    folder, edit = broken
    edit("countdown.toml", 'sources = ["002", "004"]', 'sources = ["002", "042"]')
    with pytest.raises(ContentError, match="unknown article id '042'"):
        create_app(Settings(persistence="memory", content_dir=folder, db_path=tmp_path / "p").as_local())


def test_the_how_long_question_carries_its_threshold_as_data(content) -> None:
    """Only the question about how long the cramp has lasted takes a length of time as
    its answer, and its threshold is the ten minutes the question asks about."""
    timed = [q for q in content.serious.question if q.over_minutes is not None]
    assert [(q.kind, q.over_minutes) for q in timed] == [("emergency", 10)]
    assert "ten minutes" in timed[0].text


@pytest.mark.parametrize("new, message", [
    ("over_minutes = 0", "content/serious.toml: question[0].over_minutes: Expected `int` >= 1"),
    ('over_minutes = "ten"', "content/serious.toml: question[0].over_minutes: Expected `int | null`"),
    ("over_minutes = 100000", "content/serious.toml: question[0].over_minutes: Expected `int` <= 1440"),
])
def test_a_bad_duration_threshold_fails_naming_the_question(broken, new, message) -> None:
    _, edit = broken
    folder = edit("serious.toml", "over_minutes = 10", new)
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert message in str(caught.value)
