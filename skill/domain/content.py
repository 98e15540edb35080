"""Everything the skill says about health, loaded once from content/*.toml and checked.

Each file is decoded into frozen msgspec Structs (so a typo'd key, a missing field or a
wrong type is caught by the schema), then cross-checked (every source id known, every
muscle has a stretch, cautions exist, emergency questions come first). Any problem stops
start-up with a `ContentError` naming the file and the item, e.g.
``content/relief.toml: step[3].sources[0]: unknown article id '009'``.

Pure module: no SDK imports. The interaction-model tooling imports `load_content` for the
MUSCLE slot values (`Content.muscles`). No `from __future__ import annotations` here: a cold
start reads the checked content from its cache (skill.domain.content_cache) and never
decodes a file, and measured side by side, string annotations made it no faster.
"""
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

from skill.domain.triage import MAX_QUESTIONS, CheckResult, Kind
from skill.domain.triage import validate as validate_kinds

NonEmpty = Annotated[str, Meta(min_length=1)]
SourceIds = Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
#: The stretch used when no muscle is given (most night cramps are in the calf, so it
#: is the calf-style stretch).
GENERAL = "GENERAL"
#: The stretch used when the user named a muscle the skill doesn't know ("shin"): one
#: that suits any muscle, never the calf's.
OTHER = "OTHER"
#: Stretch keys that are not MUSCLE ids.
STRETCH_KEYS = (GENERAL, OTHER)
#: The [[caution]] in relief.toml with the emergency signs: the first line of the relief
#: card, and said once in the spoken steps.
EMERGENCY_SIGNS = "emergency_signs"
#: [[step]] ids the code relies on: "I can't straighten my leg" starts at the massage; a
#: session's `no_heat` says the no-heat line at the heat step, `ask_midwife` the midwife
#: line at the pain-reliever step.
MASSAGE_STEP = "massage"
HEAT_STEP = "heat"
PAIN_RELIEVER_STEP = "pain_reliever"
#: [[remedy]] ids in side.toml, each with its own answer (skill.handlers.side).
REMEDY_IDS = ("magnesium", "pain_reliever", "heat", "stretching", "fluids", "salt",
              "not_covered")
#: Every emergency line starts with the instruction itself.
EMERGENCY_START = "call your local emergency number"
#: A duration threshold on a question is at most a day.
MAX_OVER_MINUTES = 24 * 60


class ContentError(ValueError):
    """A content file is missing, unreadable or inconsistent; the message names where."""


class _Strict(Struct, frozen=True, forbid_unknown_fields=True):
    """Base for content records: immutable, and unknown keys are errors (typos)."""


class Source(_Strict):
    """One source article. Named by its own title in full, or, when it has none, by a
    description (`untitled`); and by its publisher or, failing that, its author."""

    id: NonEmpty
    file: NonEmpty
    title: NonEmpty | None = None
    untitled: NonEmpty | None = None
    publisher: NonEmpty | None = None
    author: NonEmpty | None = None

    @property
    def citation(self) -> str:
        """How the skill names the article, in speech and on cards, e.g.
        ``"Home Remedies to Get Rid of Leg Cramps", from LIVESTRONG.COM`` or
        ``a Healthline article on leg cramp remedies`` (a description already says who)."""
        if self.title is None:
            return self.untitled or self.id
        if self.publisher:
            return f'"{self.title}", from {self.publisher}'
        if self.author:
            return f'"{self.title}", by {self.author}'
        return f'"{self.title}"'


class Line(_Strict):
    """One sourced sentence (or two) the skill says as written."""

    text: NonEmpty
    sources: SourceIds


class Editorial(_Strict):
    """A line that cites no article: it only refers (to a doctor) or holds back, never
    diagnoses. `why` says why it is needed; README lists every one."""

    text: NonEmpty
    why: NonEmpty


class Item(_Strict):
    """A sourced line with an id (a prevention tip, a cause, a caution...)."""

    id: NonEmpty
    text: NonEmpty
    sources: SourceIds


class Stretch(_Strict):
    muscle: NonEmpty
    text: NonEmpty
    cue: NonEmpty
    sources: SourceIds
    caution: str | None = None
    #: A cautious editorial reading of the sources (the thigh stretches: README).
    reading: NonEmpty | None = None


class Step(_Strict):
    """One relief step. `cue` (when set) is what the countdown says to hold it; `first`
    and `caution` are ids of [[caution]]s said right before and right after it."""

    id: NonEmpty
    text: NonEmpty
    sources: SourceIds
    cue: str | None = None
    caution: str | None = None
    first: str | None = None


class Muscle(_Strict):
    id: NonEmpty
    name: NonEmpty
    synonyms: tuple[NonEmpty, ...] = ()


class Question(_Strict):
    id: NonEmpty
    kind: Kind
    text: NonEmpty
    #: Asked instead of `text` after an unclear answer.
    short: NonEmpty
    explain: NonEmpty
    sources: SourceIds
    #: A cautious editorial reading of the sources, when the question makes one.
    reading: str | None = None
    #: Set on a question about how long the cramp has lasted: a length of time said in
    #: answer that is longer than this many minutes is a yes, up to it a no.
    over_minutes: Annotated[int, Meta(ge=1, le=MAX_OVER_MINUTES)] | None = None
    #: Emergency questions only: said at once after "not sure" (when to call the emergency
    #: number, its first words), before the remaining questions.
    unsure: NonEmpty | None = None
    #: Emergency questions only: "not sure" to this one holds back every relief step for
    #: the rest of the session (DialogState.referred).
    unsure_holds_back: bool = False


class CheckCard(_Strict):
    """The serious card's headings, one per kind of question, each ending in a colon (the
    questions of that kind follow it)."""

    emergency: NonEmpty
    doctor_first: NonEmpty
    doctor: NonEmpty
    sources: SourceIds
    reading: str | None = None


class Named(_Strict):
    """A medicine or condition the articles link to cramps."""

    id: NonEmpty
    name: NonEmpty
    sources: SourceIds
    synonyms: tuple[NonEmpty, ...] = ()


# -- one Struct per file -------------------------------------------------------------------

class SourcesFile(_Strict):
    source: Annotated[tuple[Source, ...], Meta(min_length=1)]


class MusclesFile(_Strict):
    muscle: Annotated[tuple[Muscle, ...], Meta(min_length=1)]
    #: Words for the whole leg: no muscle in particular (the general steps).
    whole_leg: tuple[NonEmpty, ...] = ()


class LocaleWord(_Strict):
    """A medicine's other name where people say it: `said` instead of `word` for `locales`
    (the same fact: 001 names acetaminophen, called paracetamol in en-GB, en-AU, en-IN)."""

    word: NonEmpty
    said: NonEmpty
    locales: Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]


class ReliefFile(_Strict):
    stretch: Annotated[tuple[Stretch, ...], Meta(min_length=1)]
    step: Annotated[tuple[Step, ...], Meta(min_length=1)]
    caution: tuple[Item, ...]
    closing: Line
    #: Said when every step is done and the cramp still won't ease.
    not_easing: Line
    #: Words said differently by locale (the speech and the cards).
    locale_word: tuple[LocaleWord, ...] = ()


class CountdownFile(_Strict):
    default_seconds: Annotated[int, Meta(ge=1)]
    min_seconds: Annotated[int, Meta(ge=1)]
    max_seconds: Annotated[int, Meta(ge=1, le=240)]
    sources: SourceIds
    #: Said first when someone asks to count longer than the serious check's time limit
    #: (they may be telling us how long the cramp has lasted).
    long_cramp: Line


class ResultText(_Strict):
    """What is said for one result of the check (triage.CheckResult names them)."""

    id: CheckResult
    text: NonEmpty
    sources: SourceIds
    #: A cautious editorial reading of the sources, when the text makes one.
    reading: str | None = None


class SeriousFile(_Strict):
    question: Annotated[tuple[Question, ...], Meta(min_length=1, max_length=MAX_QUESTIONS)]
    outcome: tuple[ResultText, ...]
    card: CheckCard
    disclaimer: Line


class PreventionFile(_Strict):
    tip: Annotated[tuple[Item, ...], Meta(min_length=1)]


class CausesFile(_Strict):
    cause: Annotated[tuple[Item, ...], Meta(min_length=1)]


class MedicalFile(_Strict):
    #: Said with every medicine answer: never stop a medicine alone (editorial).
    advice: Editorial
    #: Said instead when a condition is named: see the doctor about the cramps, and the
    #: advice above, in one sentence.
    condition_advice: Line
    #: Said when a name is on neither list (editorial: holds back and refers).
    unlisted: Editorial
    medicine: Annotated[tuple[Named, ...], Meta(min_length=1)]
    condition: Annotated[tuple[Named, ...], Meta(min_length=1)]


# -- red flags, side questions ------------------------------------------------------------

Tier = Literal["emergency", "outside", "doctor", "check", "relief"]
#: Sign ids the code relies on: a cramp at the time limit gets LONG_CRAMP's answer; a
#: shorter one STRONG_PAIN's (the relief steps with the emergency signs spelled out).
LONG_CRAMP = "long_cramp"
STRONG_PAIN = "strong_pain"
#: Cramps that keep coming back: a doctor named whatever else was asked (000: persistent;
#: 001: more than occasional), with the steps offered.
FREQUENT = "frequent"
#: The sign whose answer the editorial clot-risk rule gives (skill.domain.risk).
CLOT_RISK = "clot_risk"
#: Asking for an ambulance: never heard as a denial ("call an ambulance, no wait").
WANTS_HELP = "wants_emergency_help"
#: The answer for a symptom the table does not know: 000's "any other symptoms".
UNKNOWN_SIGN_ANSWER = "doctor"
#: Tiers in precedence order: when one breath names several signs, the first tier wins.
TIERS: tuple[Tier, ...] = ("emergency", "outside", "doctor", "check", "relief")


class _Cited(_Strict, kw_only=True):
    """A record backed by articles (`sources`, perhaps with a cautious editorial `reading`
    of them), or an editorial line that cites no article and says `why` it is there (a
    referral or a holding back); never both, never neither."""

    sources: tuple[NonEmpty, ...] = ()
    reading: str | None = None
    why: str | None = None


class Sign(_Cited):
    """One red flag (or ordinary part of a cramp) as people say it: a SIGN slot value."""

    id: NonEmpty
    tier: Tier
    answer: NonEmpty
    phrases: Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
    #: Everyday words that mean the sign only when Alexa heard them as the symptom ("my
    #: foot is cold"), never inside other words ("something cold", "a hot bath").
    loose: tuple[NonEmpty, ...] = ()
    #: The serious-check question this sign answers ("it's not unbearable": a no).
    question: str | None = None


class SignAnswer(_Cited):
    """What is said for a sign: `text` on its own, or for relief answers a `lead` before
    the first step or a `note` after it."""

    id: NonEmpty
    text: str | None = None
    lead: str | None = None
    note: str | None = None
    #: A relief.toml caution said as the note (the emergency signs, kept in one place).
    note_caution: str | None = None
    ends: bool = False


class Combination(_Strict):
    """Signs that, named together, mean a more urgent one (a fall and no weight on the leg)."""

    signs: Annotated[tuple[NonEmpty, ...], Meta(min_length=2)]
    becomes: NonEmpty


class ClotRiskRule(_Strict):
    """The editorial clot-risk rule's thresholds and words (skill.domain.risk)."""

    travel_hours: Annotated[int, Meta(ge=1, le=48)]
    travel_weeks: Annotated[int, Meta(ge=1, le=52)]
    operation_months: Annotated[int, Meta(ge=1, le=24)]
    bed_days: Annotated[int, Meta(ge=1, le=60)]
    travel_words: Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
    operation_words: Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
    bed_words: Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
    why: NonEmpty


class TimerLines(_Strict):
    announce: Line
    advice: Line


class ReminderLines(_Strict):
    tip: Line
    advice: Line


class ServicesFile(_Strict):
    """content/services.toml: the health words of the timer and the reminder."""

    timer: TimerLines
    reminder: ReminderLines


class RedFlagsFile(_Strict):
    #: Words that describe the cramp itself (an unknown "sign" made only of them is the cramp).
    cramp_words: tuple[NonEmpty, ...]
    #: Words that name the cramp itself: unknown words beside them describe the cramp.
    cramp_names: tuple[NonEmpty, ...]
    #: Words that describe the body (a colour, the skin, a feeling): an unknown symptom that
    #: holds one is another symptom (a doctor first); one that holds none is asked about.
    body_words: tuple[NonEmpty, ...]
    sign: Annotated[tuple[Sign, ...], Meta(min_length=1)]
    answer: Annotated[tuple[SignAnswer, ...], Meta(min_length=1)]
    clot_risk: ClotRiskRule
    combination: tuple[Combination, ...] = ()


class SideLine(_Cited):
    """A side answer said as written."""

    text: NonEmpty


class Remedy(_Strict):
    id: NonEmpty
    name: NonEmpty
    synonyms: tuple[NonEmpty, ...] = ()


class Person(_Strict):
    id: NonEmpty
    name: NonEmpty
    kind: Literal["adult", "child"]
    synonyms: tuple[NonEmpty, ...] = ()


class SideFile(_Strict):
    hold_length: SideLine
    heat_caution: SideLine
    heat_or_cold: SideLine
    no_heat: SideLine
    no_heat_conditions: tuple[NonEmpty, ...]
    midwife_conditions: tuple[NonEmpty, ...]
    pain_relief: SideLine
    dose: SideLine
    magnesium: SideLine
    fluids_limit: SideLine
    fluids: SideLine
    salt: SideLine
    not_covered: SideLine
    held_back: SideLine
    pregnancy: SideLine
    pregnancy_medicine: SideLine
    pregnancy_magnesium: SideLine
    pregnancy_other: SideLine
    child: SideLine
    goodbye: SideLine
    remedy: Annotated[tuple[Remedy, ...], Meta(min_length=1)]
    person: Annotated[tuple[Person, ...], Meta(min_length=1)]


# -- interface prompts (no health facts, no citations) --------------------------------------

class GeneralPrompts(_Strict):
    steer: NonEmpty
    help: NonEmpty
    help_question: NonEmpty
    help_reprompt: NonEmpty
    fallback_emergency: NonEmpty
    fallback: NonEmpty
    no_question: NonEmpty
    nothing_to_repeat: NonEmpty
    no_problem: NonEmpty
    okay: NonEmpty
    stop: NonEmpty
    goodbye: NonEmpty
    paused: NonEmpty
    nothing_paused: NonEmpty
    trouble: NonEmpty
    anything_else: NonEmpty
    anything_else_reprompt: NonEmpty


class ReliefPrompts(_Strict):
    first_time_lead: NonEmpty
    first_time_prompt: NonEmpty
    returning_prompt: NonEmpty
    count_prompt: NonEmpty
    count_reprompt: NonEmpty
    next_prompt: NonEmpty
    next_reprompt: NonEmpty
    last_prompt: NonEmpty
    last_reprompt: NonEmpty
    first_step_lead: NonEmpty
    unknown_muscle_lead: NonEmpty
    partner_lead: NonEmpty
    wait_for_next: NonEmpty
    #: "Wait, I'm not ready": a yes to it goes on where the user was.
    not_ready: NonEmpty
    not_ready_reprompt: NonEmpty


class CountdownPrompts(_Strict):
    #: "Stop counting": the count stops, nothing new starts.
    stopped: NonEmpty
    starting: NonEmpty
    halfway: NonEmpty
    ten_left: NonEmpty
    five: NonEmpty
    four: NonEmpty
    three: NonEmpty
    two: NonEmpty
    one: NonEmpty
    release: NonEmpty
    again_prompt: NonEmpty
    again_reprompt: NonEmpty
    unreadable: NonEmpty
    too_short: NonEmpty
    too_long: NonEmpty

    @property
    def last_five(self) -> tuple[str, ...]:
        return (self.five, self.four, self.three, self.two, self.one)


class CheckPrompts(_Strict):
    opening_lead: NonEmpty
    answer_lead: NonEmpty
    offer_relief: NonEmpty
    offer_reprompt: NonEmpty


class DialogPrompts(_Strict):
    more_prompt: NonEmpty
    more_reprompt: NonEmpty


class SettingsPrompts(_Strict):
    quiet_done: NonEmpty
    normal_done: NonEmpty
    hold_done: NonEmpty
    not_saved: NonEmpty
    hold_ask: NonEmpty
    hold_ask_reprompt: NonEmpty
    hold_short_reask: NonEmpty
    forget_prompt: NonEmpty
    forget_reprompt: NonEmpty
    forgotten: NonEmpty
    kept: NonEmpty


class TopicPrompts(_Strict):
    listed: NonEmpty
    medicines: NonEmpty
    conditions: NonEmpty
    both_kinds: NonEmpty
    which_one: NonEmpty
    which_one_reprompt: NonEmpty
    no_sources: NonEmpty
    from_one: NonEmpty
    from_many: NonEmpty
    searched_all: NonEmpty


class AlertPrompts(_Strict):
    """Alexa's timers and reminders, and the soft night voice."""

    timer_offer: NonEmpty
    timer_offer_reprompt: NonEmpty
    timer_label: NonEmpty
    timer_set: NonEmpty
    timer_ask_permission: NonEmpty
    timer_refused: NonEmpty
    reminder_offer: NonEmpty
    reminder_offer_reprompt: NonEmpty
    reminder_set: NonEmpty
    reminder_permission: NonEmpty
    reminder_card_title: NonEmpty
    no_permission: NonEmpty
    busy: NonEmpty
    down: NonEmpty
    timers: NonEmpty
    reminders: NonEmpty
    today: NonEmpty
    tomorrow: NonEmpty
    on_day: NonEmpty
    night_hint: NonEmpty


class ScreenPrompts(_Strict):
    """Words on the night screen: headings and the labels of the touch controls."""

    title: NonEmpty
    step: NonEmpty
    check: NonEmpty
    countdown: NonEmpty
    seconds_left: NonEmpty
    next: NonEmpty
    back: NonEmpty
    time_it: NonEmpty
    serious: NonEmpty
    yes: NonEmpty
    no: NonEmpty
    unsure: NonEmpty
    again: NonEmpty


class SymptomPrompts(_Strict):
    #: Words heard as a symptom that are no sign ("tired", "a bit better"): asked once.
    anything_else: NonEmpty
    anything_else_short: NonEmpty
    anything_else_reprompt: NonEmpty


class PromptsFile(_Strict):
    general: GeneralPrompts
    symptom: SymptomPrompts
    relief: ReliefPrompts
    countdown: CountdownPrompts
    check: CheckPrompts
    dialog: DialogPrompts
    settings: SettingsPrompts
    topics: TopicPrompts
    alerts: AlertPrompts
    screen: ScreenPrompts


#: The {placeholders} each templated prompt must use, exactly; every other prompt has none.
PROMPT_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "countdown.starting": frozenset({"duration"}),
    "countdown.unreadable": frozenset({"duration"}),
    "countdown.too_short": frozenset({"duration"}),
    "countdown.too_long": frozenset({"duration"}),
    "settings.hold_done": frozenset({"duration"}),
    "topics.listed": frozenset({"names", "kind"}),
    "topics.from_one": frozenset({"first"}),
    "topics.from_many": frozenset({"count", "rest", "last"}),
    "topics.searched_all": frozenset({"count", "rest", "last"}),
    "screen.step": frozenset({"number", "total"}),
    "alerts.reminder_set": frozenset({"day", "time"}),
    "alerts.no_permission": frozenset({"what"}),
    "alerts.busy": frozenset({"what"}),
    "alerts.down": frozenset({"what"}),
    "alerts.on_day": frozenset({"weekday"}),
}


# -- the loaded content ----------------------------------------------------------------------

class ContentIndex(Struct, frozen=True):
    """Lookup tables over the content, built once in `load_content` so that a request
    only does dictionary look-ups (no scans, no objects built per request)."""

    muscles: dict[str, Muscle]
    muscle_phrases: dict[str, Muscle]
    stretches: dict[str, Stretch]
    plans: dict[str, tuple[Step, ...]]
    cautions: dict[str, Item]
    outcomes: dict[str, ResultText]
    medical: dict[str, dict[str, Named]]
    medical_phrases: dict[str, dict[str, Named]]
    #: The shortest "lasted more than N minutes" limit of the serious check, if any.
    emergency_minutes: int | None
    signs: dict[str, Sign]
    sign_phrases: dict[str, Sign]
    #: The same phrases as (words, sign), longest first (skill.domain.safety.signs_in).
    sign_phrase_order: tuple[tuple[tuple[str, ...], Sign], ...]
    #: A phrase's first word -> the places in `sign_phrase_order` of the phrases it starts
    #: (so a scan looks only at phrases that can be there).
    sign_phrase_starts: dict[str, tuple[int, ...]]
    #: The same for a SIGN slot's own words: every phrase, the everyday ones too.
    slot_phrase_order: tuple[tuple[tuple[str, ...], Sign], ...]
    slot_phrase_starts: dict[str, tuple[int, ...]]
    #: The everyday words alone (normalised) -> their sign: they count only as the whole
    #: symptom ("a bit warm"), never inside other words ("warm and cosy in bed").
    loose_phrases: dict[str, Sign]
    #: Sign ids named together -> the sign they mean (content/red_flags.toml combinations).
    combinations: tuple[tuple[frozenset[str], Sign], ...]
    sign_answers: dict[str, SignAnswer]
    remedy_phrases: dict[str, Remedy]
    person_phrases: dict[str, Person]
    people: dict[str, Person]
    whole_leg: frozenset[str]


def _phrase_table(records: Iterable[Any]) -> dict[str, Any]:
    """Normalised id, name and synonyms of each record -> the record (first one wins)."""
    table: dict[str, Any] = {}
    for record in records:
        for name in (record.id, record.name, *record.synonyms):
            table.setdefault(_normalise(name), record)
    table.pop("", None)
    return table


def _relief_plan(stretch: Stretch, steps: tuple[Step, ...],
                 cautions: dict[str, Item]) -> tuple[Step, ...]:
    """A muscle's steps, in order: its stretch first, then the general steps. A step
    with a `first` caution is said (and shown) caution first: its text starts with the
    caution's, and it cites both."""
    first = Step(id=f"stretch_{stretch.muscle.lower()}", text=stretch.text,
                 sources=stretch.sources, cue=stretch.cue, caution=stretch.caution)
    return (first, *(_caution_first(step, cautions) for step in steps))


def _caution_first(step: Step, cautions: dict[str, Item]) -> Step:
    before = cautions.get(step.first) if step.first else None
    if before is None:
        return step
    return msgspec.structs.replace(step, text=f"{before.text} {step.text}",
                                   sources=tuple(sorted({*before.sources, *step.sources})))


def _sign_phrases(signs: Iterable[Sign], loose: bool = False) -> dict[str, Sign]:
    """Normalised id and phrases of each sign -> the sign (first one wins); with `loose`,
    the everyday words too (for a SIGN slot's own words)."""
    table: dict[str, Sign] = {}
    for sign in signs:
        for phrase in (sign.id.replace("_", " "), *sign.phrases, *(sign.loose if loose else ())):
            table.setdefault(_normalise(phrase), sign)
    table.pop("", None)
    return table


def _longest_first(phrases: dict[str, Sign]) -> tuple[tuple[tuple[str, ...], Sign], ...]:
    return tuple(sorted(((tuple(p.split()), sign) for p, sign in phrases.items()),
                        key=lambda entry: -len(entry[0])))


def _starts(order: Sequence[tuple[tuple[str, ...], Any]]) -> dict[str, tuple[int, ...]]:
    starts: dict[str, list[int]] = {}
    for place, (phrase, _sign) in enumerate(order):
        starts.setdefault(phrase[0], []).append(place)
    return {word: tuple(places) for word, places in starts.items()}


def build_index(muscles: MusclesFile, relief: ReliefFile, serious: SeriousFile,
                medical: MedicalFile, red_flags: RedFlagsFile, side: SideFile) -> ContentIndex:
    stretches = {s.muscle: s for s in relief.stretch}
    lists = {"medicine": medical.medicine, "condition": medical.condition}
    sign_phrases = _sign_phrases(red_flags.sign, loose=True)
    signs = {sign.id: sign for sign in red_flags.sign}
    cautions = {c.id: c for c in relief.caution}
    return ContentIndex(
        muscles={m.id: m for m in muscles.muscle},
        muscle_phrases=_phrase_table(muscles.muscle),
        stretches=stretches,
        plans={key: _relief_plan(stretch, relief.step, cautions)
               for key, stretch in stretches.items()},
        cautions=cautions,
        outcomes={o.id.value: o for o in serious.outcome},
        emergency_minutes=min((q.over_minutes for q in serious.question
                               if q.kind == "emergency" and q.over_minutes), default=None),
        medical={kind: {n.id: n for n in items} for kind, items in lists.items()},
        medical_phrases={kind: _phrase_table(items) for kind, items in lists.items()},
        signs=signs,
        sign_phrases=sign_phrases,
        sign_phrase_order=(order := _longest_first(_sign_phrases(red_flags.sign))),
        sign_phrase_starts=_starts(order),
        slot_phrase_order=(slot_order := _longest_first(sign_phrases)),
        slot_phrase_starts=_starts(slot_order),
        loose_phrases={_normalise(phrase): sign for sign in red_flags.sign
                       for phrase in sign.loose},
        combinations=tuple((frozenset(c.signs), signs[c.becomes])
                           for c in red_flags.combination
                           if c.becomes in signs and set(c.signs) <= set(signs)),
        sign_answers={answer.id: answer for answer in red_flags.answer},
        remedy_phrases=_phrase_table(side.remedy),
        person_phrases=_phrase_table(side.person),
        people={person.id: person for person in side.person},
        whole_leg=frozenset(_normalise(words) for words in muscles.whole_leg),
    )


class ContentFiles(Struct, frozen=True):
    """Every content file as decoded, one field per file (named after it): what the
    compact cache (skill.domain.content_cache) stores; `assemble` builds the rest."""

    sources: SourcesFile
    muscles: MusclesFile
    relief: ReliefFile
    countdown: CountdownFile
    serious: SeriousFile
    prevention: PreventionFile
    causes: CausesFile
    medical: MedicalFile
    red_flags: RedFlagsFile
    side: SideFile
    prompts: PromptsFile
    services: ServicesFile


class Content(Struct, frozen=True):
    """All content, validated. Built once at start-up and shared by every request."""

    files: ContentFiles
    sources: dict[str, Source]
    index: ContentIndex

    # the files, by name ----------------------------------------------------------------------
    @property
    def muscles(self) -> tuple[Muscle, ...]:
        return self.files.muscles.muscle

    @property
    def relief(self) -> ReliefFile:
        return self.files.relief

    @property
    def countdown(self) -> CountdownFile:
        return self.files.countdown

    @property
    def serious(self) -> SeriousFile:
        return self.files.serious

    @property
    def prevention(self) -> PreventionFile:
        return self.files.prevention

    @property
    def causes(self) -> CausesFile:
        return self.files.causes

    @property
    def medical(self) -> MedicalFile:
        return self.files.medical

    @property
    def red_flags(self) -> RedFlagsFile:
        return self.files.red_flags

    @property
    def side(self) -> SideFile:
        return self.files.side

    @property
    def prompts(self) -> PromptsFile:
        return self.files.prompts

    @property
    def services(self) -> ServicesFile:
        return self.files.services

    # relief -----------------------------------------------------------------------------
    def muscle(self, muscle_id: str | None) -> Muscle | None:
        """The muscle with this id, or None for an unknown or missing id."""
        return self.index.muscles.get(muscle_id) if muscle_id else None

    def muscle_from_phrase(self, phrase: str | None) -> Muscle | None:
        """Match what the user said ("my calves", "Hamstring") against ids, names and
        synonyms; None when nothing matches."""
        return self.index.muscle_phrases.get(_normalise(phrase))

    def names_whole_leg(self, phrase: str | None) -> bool:
        """Whether words name the whole leg, no muscle in particular ("both my legs")."""
        return _normalise(phrase) in self.index.whole_leg

    def plan_key(self, muscle_id: str | None) -> str | None:
        """The muscle id (or OTHER) when there is a stretch for it; None otherwise, which
        means the general steps. Turns stale or tampered ids into the general steps."""
        if muscle_id and muscle_id != GENERAL and muscle_id in self.index.stretches:
            return muscle_id
        return None

    def stretch_for(self, muscle_id: str | None) -> Stretch:
        """The stretch for a muscle (or OTHER), or the general one."""
        stretches = self.index.stretches
        return stretches.get(muscle_id or GENERAL) or stretches[GENERAL]

    def relief_plan(self, muscle_id: str | None) -> tuple[Step, ...]:
        """The steps, in order, for a muscle (or OTHER): its stretch first, then the
        general steps."""
        plans = self.index.plans
        return plans.get(muscle_id or GENERAL) or plans[GENERAL]

    def caution(self, caution_id: str | None) -> Item | None:
        return self.index.cautions.get(caution_id) if caution_id else None

    def step_said(self, step: Step, *, no_heat: bool = False,
                  ask_midwife: bool = False) -> tuple[str, tuple[str, ...]]:
        """(what is said and shown for a step in a session, its article ids). A session
        that named a condition dulling the sense of heat (`no_heat`) gets side.toml's
        no-heat line at the heat step; one that named a pregnancy (`ask_midwife`) gets
        the step's own first caution (the emergency signs) and "ask your doctor or
        midwife first" at the pain-reliever step."""
        side = self.side
        if no_heat and step.id == HEAT_STEP:
            return side.no_heat.text, side.no_heat.sources
        if ask_midwife and step.id == PAIN_RELIEVER_STEP:
            before = self.caution(step.first)
            said = [before.text] if before else []
            return " ".join([*said, side.pregnancy_medicine.text]), before.sources if before else ()
        return step.text, step.sources

    # serious check ------------------------------------------------------------------------
    def outcome(self, outcome_id: str) -> ResultText:
        return self.index.outcomes[outcome_id]

    # medicines and conditions -------------------------------------------------------------
    def medical_item(self, kind: str, item_id: str | None) -> Named | None:
        """The medicine or condition with this id, or None."""
        return self.index.medical.get(kind, {}).get(item_id) if item_id else None

    def medical_from_phrase(self, kind: str, phrase: str | None) -> Named | None:
        """Match what the user said against a list's ids, names and synonyms; None when
        the articles do not list it (never a guess)."""
        return self.index.medical_phrases.get(kind, {}).get(_normalise(phrase))

    # red flags and side questions -----------------------------------------------------------
    def sign(self, sign_id: str | None) -> Sign | None:
        """The sign with this SIGN id, or None."""
        return self.index.signs.get(sign_id) if sign_id else None

    def sign_from_phrase(self, phrase: str | None) -> Sign | None:
        """Match what the user said ("my chest feels tight") against the signs' phrases."""
        return self.index.sign_phrases.get(_normalise(phrase))

    def sign_answer(self, sign: Sign) -> SignAnswer:
        return self.index.sign_answers[sign.answer]

    def sign_note(self, answer: SignAnswer) -> Item | None:
        """The caution a relief answer says as its note, if it names one."""
        return self.caution(answer.note_caution)

    def remedy_from_phrase(self, phrase: str | None) -> Remedy | None:
        return self.index.remedy_phrases.get(_normalise(phrase))

    def person(self, person_id: str | None) -> Person | None:
        return self.index.people.get(person_id) if person_id else None

    def person_from_phrase(self, phrase: str | None) -> Person | None:
        return self.index.person_phrases.get(_normalise(phrase))

    def remedy(self, remedy_id: str | None) -> Remedy | None:
        return next((r for r in self.side.remedy if r.id == remedy_id), None)

    def prompt(self, key: str) -> str:
        """An interface prompt by its "section.name" key (content/prompts.toml)."""
        section, _, name = key.partition(".")
        return getattr(getattr(self.prompts, section), name)

    def find_medical(self, phrase: str | None, heard_as: str = "medicine"
                     ) -> tuple[str, Named] | None:
        """(kind, item) for a medicine or condition named in either slot: `heard_as`
        (the slot's kind) is looked up first, then the other list, because people say
        "I'm on dialysis" or "can diabetes cause cramps" in whichever words come. The
        item's `name` is the article's own term. None when neither list has it."""
        for kind in _kinds_from(heard_as):
            item = self.medical_from_phrase(kind, phrase)
            if item:
                return kind, item
        return None

    def find_medical_id(self, item_id: str | None, heard_as: str = "medicine"
                        ) -> tuple[str, Named] | None:
        """(kind, item) for an id (an entity-resolution match) from either list."""
        for kind in _kinds_from(heard_as):
            item = self.medical_item(kind, item_id)
            if item:
                return kind, item
        return None

    def sources_of(self, ids: Iterable[str]) -> list[Source]:
        """The articles behind some source ids, in id order, without repeats."""
        return [self.sources[i] for i in sorted(set(ids)) if i in self.sources]


MEDICAL_KINDS = ("medicine", "condition")


def _kinds_from(first: str) -> tuple[str, ...]:
    return (first, *(kind for kind in MEDICAL_KINDS if kind != first))


def _normalise(phrase: str | None) -> str:
    words = re.sub(r"[^a-z0-9' ]", " ", (phrase or "").lower().replace("_", " ")).split()
    while words and words[0] in {"my", "the", "a", "in", "of"}:
        words = words[1:]
    return " ".join(words)


# -- loading -----------------------------------------------------------------------------

FILES: dict[str, type[Struct]] = {
    "sources.toml": SourcesFile,
    "muscles.toml": MusclesFile,
    "relief.toml": ReliefFile,
    "countdown.toml": CountdownFile,
    "serious.toml": SeriousFile,
    "prevention.toml": PreventionFile,
    "causes.toml": CausesFile,
    "medical.toml": MedicalFile,
    "red_flags.toml": RedFlagsFile,
    "side.toml": SideFile,
    "prompts.toml": PromptsFile,
    "services.toml": ServicesFile,
}

T = TypeVar("T", bound=Struct)


def _where(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _decode(path: Path, kind: type[T]) -> T:
    """Read one TOML file into its Struct; errors name the file and the item."""
    import tomllib  # here: a start-up that reads the validated cache never parses TOML

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{_where(path)}: content file is missing (looked in {path.parent})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{_where(path)}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{_where(path)}: invalid TOML: {error}") from None
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as error:
        message, _, at = str(error).partition(" - at `$")
        item = at.rstrip("`").lstrip(".")
        raise ContentError(f"{_where(path)}: {item + ': ' if item else ''}{message}") from None


def decode_files(content_dir: Path | str) -> ContentFiles:
    """Every content file decoded by its schema (no cross-checks yet). Raises ContentError
    naming the file and the item."""
    folder = Path(content_dir)
    return ContentFiles(**{name.removesuffix(".toml"): _decode(folder / name, kind)
                           for name, kind in FILES.items()})


def assemble(files: ContentFiles) -> Content:
    """The content and its lookup tables, from decoded files (`load_content` also checks
    them; the cache stores only checked files)."""
    return Content(
        files=files,
        sources={s.id: s for s in files.sources.source},
        index=build_index(files.muscles, files.relief, files.serious, files.medical,
                          files.red_flags, files.side),
    )


def load_content(content_dir: Path | str) -> Content:
    """Load and check every content file. Raises ContentError on the first problem."""
    folder = Path(content_dir)
    content = assemble(decode_files(folder))
    problems = list(_check(folder, content))
    if problems:
        raise ContentError(problems[0] if len(problems) == 1 else
                           f"{len(problems)} content problems:\n" + "\n".join(problems))
    return content


def sourced_items(content: Content) -> Iterator[tuple[str, str, Any]]:
    """Every record that carries `sources`: (file name, item path, record)."""
    parts = {
        "relief.toml": content.relief,
        "countdown.toml": content.countdown,
        "serious.toml": content.serious,
        "prevention.toml": content.prevention,
        "causes.toml": content.causes,
        "medical.toml": content.medical,
        "red_flags.toml": content.red_flags,
        "side.toml": content.side,
        "services.toml": content.services,
    }
    for file_name, part in parts.items():
        yield from ((file_name, path, item) for path, item in _walk(part, ""))


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Struct):
        if hasattr(value, "sources"):
            yield path or "(file)", value
        for field in value.__struct_fields__:
            child = getattr(value, field)
            yield from _walk(child, f"{path}.{field}" if path else field)
    elif isinstance(value, tuple):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")


def _check(folder: Path, content: Content) -> Iterator[str]:
    """Cross-file rules the schema alone cannot express."""
    where = {name: f"{folder.name}/{name}" for name in FILES}
    yield from _duplicates(where["sources.toml"], "source", [s.id for s in content.sources.values()])
    for index, source in enumerate(content.sources.values()):
        if (source.title is None) == (source.untitled is None):
            yield f"{where['sources.toml']}: source[{index}]: needs either a title or an untitled description"
        if source.publisher is None and source.author is None:
            yield f"{where['sources.toml']}: source[{index}]: needs a publisher or an author"
    for file_name, path, item in sourced_items(content):
        for index, source_id in enumerate(item.sources):
            if source_id not in content.sources:
                yield f"{where[file_name]}: {path}.sources[{index}]: unknown article id '{source_id}'"
    # muscles and stretches
    muscle_ids = [m.id for m in content.muscles]
    yield from _duplicates(where["muscles.toml"], "muscle", muscle_ids)
    stretch_muscles = [s.muscle for s in content.relief.stretch]
    yield from _duplicates(where["relief.toml"], "stretch", stretch_muscles, "muscle")
    for index, muscle in enumerate(stretch_muscles):
        if muscle not in STRETCH_KEYS and muscle not in muscle_ids:
            yield f"{where['relief.toml']}: stretch[{index}].muscle: unknown muscle id '{muscle}'"
    for index, muscle in enumerate(muscle_ids):
        if muscle in STRETCH_KEYS:
            yield f"{where['muscles.toml']}: muscle[{index}].id: '{muscle}' is reserved for a stretch"
    for muscle in [*STRETCH_KEYS, *muscle_ids]:
        if muscle not in stretch_muscles:
            yield f"{where['relief.toml']}: stretch: no stretch for muscle '{muscle}'"
    yield from _duplicates(where["relief.toml"], "step", [s.id for s in content.relief.step])
    yield from _duplicates(where["relief.toml"], "caution", [c.id for c in content.relief.caution])
    caution_ids = {c.id for c in content.relief.caution}
    for group, records in (("stretch", content.relief.stretch), ("step", content.relief.step)):
        for index, record in enumerate(records):
            if record.caution is not None and record.caution not in caution_ids:
                yield f"{where['relief.toml']}: {group}[{index}].caution: unknown caution '{record.caution}'"
    for index, step in enumerate(content.relief.step):
        if step.first is not None and step.first not in caution_ids:
            yield f"{where['relief.toml']}: step[{index}].first: unknown caution '{step.first}'"
    signs = content.caution(EMERGENCY_SIGNS)
    if signs is None:
        yield f"{where['relief.toml']}: caution: no caution with id '{EMERGENCY_SIGNS}'"
    elif not signs.text.lower().startswith(EMERGENCY_START):
        yield (f"{where['relief.toml']}: caution '{EMERGENCY_SIGNS}': must start with "
               f"'Call your local emergency number'")
    elif [s.first for s in content.relief.step].count(EMERGENCY_SIGNS) != 1:
        yield (f"{where['relief.toml']}: step: exactly one step must say '{EMERGENCY_SIGNS}' "
               f"first (the signs are said once in the steps)")
    # countdown
    count = content.countdown
    from skill.domain.countdown import HOLD_SECONDS_MAX, HOLD_SECONDS_MIN

    if not HOLD_SECONDS_MIN <= count.min_seconds <= count.max_seconds <= HOLD_SECONDS_MAX:
        yield (f"{where['countdown.toml']}: min_seconds..max_seconds must lie within "
               f"{HOLD_SECONDS_MIN}..{HOLD_SECONDS_MAX}")
    if not count.min_seconds <= count.default_seconds <= count.max_seconds:
        yield (f"{where['countdown.toml']}: default_seconds: {count.default_seconds} is outside "
               f"{count.min_seconds}..{count.max_seconds}")
    # serious check
    serious = content.serious
    yield from _duplicates(where["serious.toml"], "question", [q.id for q in serious.question])
    try:  # the check's own rules for its question list (the order of the kinds)
        validate_kinds([q.kind for q in serious.question])
    except ValueError as exc:
        yield f"{where['serious.toml']}: question: {exc}"
    outcome_ids = [o.id.value for o in serious.outcome]
    yield from _duplicates(where["serious.toml"], "outcome", outcome_ids)
    for needed in (result.value for result in CheckResult):
        if needed not in outcome_ids:
            yield f"{where['serious.toml']}: outcome: no outcome with id '{needed}'"
    for index, outcome in enumerate(serious.outcome):
        if outcome.id == "emergency" and not outcome.text.lower().startswith(EMERGENCY_START):
            yield f"{where['serious.toml']}: outcome[{index}].text: must start with 'Call your local emergency number'"
    yield from _check_unsure(where["serious.toml"], serious.question)
    # medicines and conditions: the condition answer still carries the medicine advice
    medical = content.medical
    if medical.advice.text.lower().rstrip(".") not in medical.condition_advice.text.lower():
        yield (f"{where['medical.toml']}: condition_advice.text: must include the advice "
               f"'{medical.advice.text}'")
    yield from _check_cited(where, content)
    yield from _check_red_flags(where["red_flags.toml"], content)
    yield from _check_side(where["side.toml"], content)
    yield from _check_prompts(where["prompts.toml"], content.prompts)
    # the rest
    yield from _duplicates(where["prevention.toml"], "tip", [t.id for t in content.prevention.tip])
    yield from _duplicates(where["causes.toml"], "cause", [c.id for c in content.causes.cause])
    yield from _duplicates(where["medical.toml"], "medicine", [m.id for m in content.medical.medicine])
    yield from _duplicates(where["medical.toml"], "condition", [c.id for c in content.medical.condition])
    # a phrase must lead to one item only, across both lists (they are searched together)
    owner: dict[str, str] = {}
    for kind, items in (("medicine", content.medical.medicine),
                        ("condition", content.medical.condition)):
        for item in items:
            for phrase in {_normalise(p) for p in (item.id, item.name, *item.synonyms)}:
                if phrase in owner and owner[phrase] != item.id:
                    yield (f"{where['medical.toml']}: {kind} '{item.id}': '{phrase}' already "
                           f"names '{owner[phrase]}'")
                owner.setdefault(phrase, item.id)


def _check_unsure(where: str, questions: tuple[Question, ...]) -> Iterator[str]:
    """An emergency question says at once when to call after "not sure" (its `unsure`
    line, opening with the emergency instruction); no other question has one."""
    for index, question in enumerate(questions):
        if question.kind == "emergency":
            if question.unsure is None:
                yield f"{where}: question[{index}].unsure: an emergency question needs its 'not sure' line"
            elif not question.unsure.lower().startswith(EMERGENCY_START):
                yield f"{where}: question[{index}].unsure: must start with 'Call your local emergency number'"
        elif question.unsure is not None or question.unsure_holds_back:
            yield f"{where}: question[{index}]: only an emergency question has a 'not sure' line"


def _duplicates(where: str, group: str, ids: list[str], field: str = "id") -> Iterator[str]:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            yield f"{where}: {group}[{index}].{field}: duplicate {field} '{item_id}'"
        seen.add(item_id)


def _check_cited(where: dict[str, str], content: Content) -> Iterator[str]:
    """Each record cites articles or, as an editorial line, says why; never both."""
    for file_name, path, item in sourced_items(content):
        if not isinstance(item, _Cited):
            continue
        if not item.sources and not item.why:
            yield f"{where[file_name]}: {path}: cites no article and gives no editorial reason (why)"
        if item.sources and item.why:
            yield f"{where[file_name]}: {path}: an editorial line (why) cites no article"
        if item.reading and not item.sources:
            yield f"{where[file_name]}: {path}: a reading is of cited articles"


def _check_red_flags(where: str, content: Content) -> Iterator[str]:
    flags = content.red_flags
    yield from _duplicates(where, "sign", [sign.id for sign in flags.sign])
    yield from _duplicates(where, "answer", [answer.id for answer in flags.answer])
    answers = {answer.id: answer for answer in flags.answer}
    signs = {sign.id for sign in flags.sign}
    for needed in (LONG_CRAMP, STRONG_PAIN, FREQUENT):
        if needed not in signs:
            yield f"{where}: sign: no sign with id '{needed}'"
    if UNKNOWN_SIGN_ANSWER not in answers:
        yield f"{where}: answer: no answer with id '{UNKNOWN_SIGN_ANSWER}'"
    questions = {q.id for q in content.serious.question}
    for index, sign in enumerate(flags.sign):
        answer = answers.get(sign.answer)
        if answer is None:
            yield f"{where}: sign[{index}].answer: unknown answer '{sign.answer}'"
            continue
        if sign.question is not None and sign.question not in questions:
            yield f"{where}: sign[{index}].question: unknown serious-check question '{sign.question}'"
        if sign.tier == "check":
            if answer.ends or answer.text or answer.lead or answer.note:
                yield f"{where}: sign[{index}]: a check sign's answer is the check itself (no text, not ending)"
        elif sign.tier == "relief":
            if answer.note_caution is not None and content.caution(answer.note_caution) is None:
                yield f"{where}: answer '{answer.id}'.note_caution: unknown caution '{answer.note_caution}'"
            if answer.ends or not (answer.lead or answer.note or answer.note_caution or answer.text):
                yield f"{where}: sign[{index}]: a relief sign's answer keeps the session open and says something"
        elif not (answer.ends and answer.text):
            yield f"{where}: sign[{index}]: a {sign.tier} sign's answer has text and ends the session"
        if sign.tier in ("emergency", "outside") and not (answer.text or "").lower().startswith(
                "call your local emergency number"):
            yield f"{where}: sign[{index}]: an {sign.tier} answer must start with 'Call your local emergency number'"
    for index, combination in enumerate(flags.combination):
        for named in (*combination.signs, combination.becomes):
            if named not in signs:
                yield f"{where}: combination[{index}]: unknown sign '{named}'"
    seen: dict[str, str] = {}
    for sign in flags.sign:
        for phrase in (*sign.phrases, *sign.loose):
            key = _normalise(phrase)
            if key in seen and seen[key] != sign.id:
                yield f"{where}: sign '{sign.id}': phrase '{phrase}' also names sign '{seen[key]}'"
            seen.setdefault(key, sign.id)


def _check_side(where: str, content: Content) -> Iterator[str]:
    side = content.side
    conditions = {c.id for c in content.medical.condition}
    for group in ("no_heat_conditions", "midwife_conditions"):
        for index, condition in enumerate(getattr(side, group)):
            if condition not in conditions:
                yield f"{where}: {group}[{index}]: unknown condition id '{condition}'"
    yield from _duplicates(where, "remedy", [r.id for r in side.remedy])
    remedies = {r.id for r in side.remedy}
    for needed in REMEDY_IDS:
        if needed not in remedies:
            yield f"{where}: remedy: no remedy with id '{needed}'"
    steps = {step.id for step in content.relief.step}
    for needed in (MASSAGE_STEP, HEAT_STEP, PAIN_RELIEVER_STEP):
        if needed not in steps:
            yield f"{_where_relief(where)}: step: no step with id '{needed}'"
    yield from _duplicates(where, "person", [p.id for p in side.person])
    if len(side.goodbye.text.split()) > 20:
        yield f"{where}: goodbye.text: a goodbye has at most 20 words"


def _where_relief(side_where: str) -> str:
    return side_where.replace("side.toml", "relief.toml")


_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_MARKUP = re.compile(r"[<>]|&\w+;")


def prompt_texts(prompts: PromptsFile) -> Iterator[tuple[str, str]]:
    """Every interface prompt: ("section.name", text)."""
    for section in prompts.__struct_fields__:
        group = getattr(prompts, section)
        for name in group.__struct_fields__:
            yield f"{section}.{name}", getattr(group, name)


def _check_prompts(where: str, prompts: PromptsFile) -> Iterator[str]:
    """Plain text only (escaped when spoken), and exactly the placeholders the code fills."""
    for key, text in prompt_texts(prompts):
        if _MARKUP.search(text):
            yield f"{where}: {key}: markup is not allowed in a prompt (it is escaped when spoken)"
        used = frozenset(_PLACEHOLDER.findall(text))
        wanted = PROMPT_PLACEHOLDERS.get(key, frozenset())
        if used != wanted:
            yield (f"{where}: {key}: uses placeholders {sorted(used)}, "
                   f"the code fills {sorted(wanted)}")
