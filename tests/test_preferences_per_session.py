"""The store is read once per session: later turns use the session's copy of the preferences."""
from __future__ import annotations

from skill.app import create_app
from skill.assembly import build_skill
from skill.persistence import MemoryPersistenceAdapter
from skill.preferences import SESSION_KEY
from skill.settings import Settings

from .conversation import Talk


class CountingAdapter(MemoryPersistenceAdapter):
    """The memory store, counting the reads and writes that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.writes = 0

    def get_attributes(self, request_envelope):  # noqa: ANN001, ANN201
        self.reads += 1
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):  # noqa: ANN001, ANN201
        self.writes += 1
        return super().save_attributes(request_envelope, attributes)


def _talk() -> tuple[Talk, CountingAdapter]:
    settings = Settings(persistence="memory").as_local()
    store = CountingAdapter()
    app = create_app(settings, skill=build_skill(settings, persistence_adapter=store))
    return Talk(app.test_client()), store


def test_one_store_read_per_session() -> None:
    talk, store = _talk()
    talk.launch()
    talk.intent("Next")
    talk.intent("StretchTimerIntent", duration="PT20S")
    talk.intent("IsItSeriousIntent")
    assert store.reads == 1


def test_a_change_is_seen_by_the_same_session_and_the_next_one() -> None:
    talk, store = _talk()
    talk.launch()
    talk.intent("QuietVoiceIntent")
    assert talk.intent("Next").whispered
    assert store.reads == 1
    talk.intent("Stop")
    assert talk.launch().whispered_but_referrals, "a new session reads the store again"
    assert store.reads == 2


def test_a_tampered_session_copy_only_gives_defaults() -> None:
    talk, _ = _talk()
    talk.launch()
    talk.attributes[SESSION_KEY] = {"quiet_voice": "yes", "symptoms": "cramp", "hold_seconds": 9999}
    turn = talk.intent("StretchTimerIntent")
    assert not turn.whispered
    assert "30 seconds" in turn.text
    assert set(turn.body["sessionAttributes"][SESSION_KEY]) <= {"quiet_voice", "hold_seconds", "heard_hints"}


def test_a_new_session_reads_once_and_writes_only_what_is_asked() -> None:
    talk, store = _talk()
    talk.launch()  # a first-time user: the launch remembers that the hints were heard
    assert (store.reads, store.writes) == (1, 1)
    talk.intent("Stop")
    talk.launch()  # a returning user: nothing changed, nothing written
    assert (store.reads, store.writes) == (2, 1)
    talk.intent("QuietVoiceIntent")
    assert store.writes == 2
    # Said again, it is written again: another device of the same user may have set the
    # normal voice since this session read the store (tests/test_preference_writes.py).
    talk.intent("QuietVoiceIntent")
    talk.intent("Stop")
    talk.launch()
    assert (store.reads, store.writes) == (3, 3)
