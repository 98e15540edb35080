"""Utterance -> intent and slots, from the interaction model's own samples and slot values.

A stand-in for Alexa's NLU that decides the way a device does, in this order (the first rule
that gives an answer wins; `Resolution.rule` and the console's `heard:` line name it):

0. A launch phrase ("open leg cramp helper") or a one-shot ("ask leg cramp helper <words>",
   the words then go through the rules below in a new session).
1. **Word for word**: a sample without slots, or a built-in intent's stand-in phrase
   (`builtins.py`), said exactly (case and punctuation aside).
2. **A carrier phrase**: a sample with slots whose own words are all there, exactly and in
   order, with one or more whole words in each slot's place, every way of splitting tried.
   - A custom slot takes whatever words stand in its place: a listed value or synonym is
     `ER_SUCCESS_MATCH` with its id, any other words `ER_SUCCESS_NO_MATCH` with the words as
     the value, as a device sends them ("my foot is green": sign='green', muscle=FOOT).
   - A sample with fewer than two words of its own, only a slot ("{sign}") or a slot beside
     one word ("i {sign}", "{muscle} cramp"), takes listed values only: otherwise any speech
     at all would fill it.
   - A built-in slot takes only what it can read: AMAZON.DURATION a duration (ISO 8601,
     `duration.py`), AMAZON.NUMBER a whole number (digits, `number.py`); other words leave
     that carrier unmatched.
   - Among the carriers that fit, listed values win: fewest slots with unlisted words (a
     built-in slot's value, or a word the samples themselves show in the slot's place such
     as "leg", counts as listed), then the most words of its own, then unlisted words most
     like the type's values ("kidney disease" as a condition), then the model's order.
   - No limit on how many words a slot takes: Alexa's only limit is the carrier's own
     words. But words Alexa's model was taught are not a value it never saw: when a slot's
     unlisted words hold a listed value with more words round it ("i feel really
     confused") or words of the samples ("is this cramp dangerous"), the closest sample
     (rule 3) wins if it is of another intent, or of the same intent with more listed slots
     or without the intent's own words in a slot ("time my stretch for a minute"). Words
     the model never saw ("turquoise", "dying") stay in the slot.
3. **The closest sample**, with a confidence: word order (difflib) or shared words weighted
   by how specific they are to an intent (`similarity.py`), listed values and durations
   read as slot markers; it must share a meaningful word, agree on negation, and score
   above `CLOSE_MATCH_THRESHOLD`.
4. Else **AMAZON.FallbackIntent**, where a device sends speech outside the skill's world.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from skill.simulator.builtins import BUILTIN_PHRASES
from skill.simulator.duration import find_duration, parse_duration
from skill.simulator.number import parse_number
from skill.simulator.similarity import (
    IntentWordWeights,
    content_words,
    order_ratio,
    stems,
)

FALLBACK_INTENT = "AMAZON.FallbackIntent"
DURATION_TYPE = "AMAZON.DURATION"
NUMBER_TYPE = "AMAZON.NUMBER"
#: The slot type of red flags and other symptoms (content/red_flags.toml).
SYMPTOM_TYPE = "SIGN"
#: At or below this similarity the closest sample is not close enough: Fallback, as a device
#: sends out-of-domain speech there. A half match (0.46, 0.50) must never pick relief steps or
#: an emergency. A close match also needs one shared content word.
CLOSE_MATCH_THRESHOLD = 0.6
#: Intents whose symptom slot the skill reads word by word (the clot-risk rule's numbers; a
#: doubted sign, "i think it's kind of warm maybe", where an everyday word is the sign): in
#: a close match the slot takes the words standing in its place (`_aligned`).
READ_WHOLE = frozenset({"JourneyIntent", "SignUnsureIntent"})
#: The bar for the closest sample that carries the symptom slot, when a listed symptom is
#: said inside speech no sample matches (`Resolver._spotted_sign`).
SPOTTED_SIGN_THRESHOLD = 0.3
#: Whose cramp it is: the custom slot type a close match fills with the words in its place.
PERSON_TYPE = "PERSON"
#: Words that make an utterance a question when it starts with one: close only to samples
#: that hold a question word too.
QUESTION_WORDS = frozenset({"what", "what's", "whats", "when", "where", "where's", "who",
                            "why", "how", "which"})
#: Words that follow a question word when it starts a question ("what time", "how long",
#: "what is"), as opposed to "forget what i told you", where it starts a clause.
QUESTION_FOLLOWERS = QUESTION_WORDS | frozenset({
    "time", "long", "is", "was", "are", "do", "does", "did", "should", "can", "could"})
LAUNCH_VERBS = ("open", "start", "launch", "begin", "load", "run", "use", "talk to", "play")
ONE_SHOT_VERBS = ("ask", "tell")
ONE_SHOT_CONNECTORS = ("to", "for", "about", "if", "whether", "that", "and")
#: A carrier needs this many words of its own around its slots before a custom slot takes
#: unlisted words: a sample that is only a slot ("{sign}") or a slot after one word
#: ("i {sign}") takes listed values only, or any speech at all would fill it.
MIN_LITERAL_WORDS_FOR_UNLISTED = 2
#: A sample this long, said word for word at the start of longer speech, is the request
#: even where a carrier's slot would take the words after it.
MIN_LEADING_SAMPLE_WORDS = 4
#: A word the samples themselves put in a slot's place ("my leg is cramping" beside "my
#: {muscle} is cramping") is a value the model was shown, listed or not, once this many
#: sample pairs show it.
MIN_SAMPLE_PAIRS_FOR_SHOWN_VALUE = 2
MAX_SHOWN_VALUE_WORDS = 2
#: Words that turn a statement round: a close match keeps the utterance's polarity, so "i
#: touched some weed killer" is never heard as a sample that says a sign is absent.
NEGATIONS = frozenset({"no", "not", "nothing", "never", "none", "without", "nor", "cannot"})


@dataclass(frozen=True)
class ResolvedSlot:
    """A slot as Alexa fills it: what was heard and, for custom types, entity resolution."""

    name: str
    value: str
    slot_type: str
    resolved_id: str | None = None
    resolved_name: str | None = None
    status: str | None = None  # ER_SUCCESS_MATCH / ER_SUCCESS_NO_MATCH, custom types only

    def describe(self) -> str:
        if self.status == "ER_SUCCESS_MATCH":
            return f"{self.name}={self.resolved_id}"
        if self.status == "ER_SUCCESS_NO_MATCH":
            return f"{self.name}={self.value!r} (no match)"
        return f"{self.name}={self.value}"


@dataclass(frozen=True)
class Resolution:
    request_type: str             # "LaunchRequest" or "IntentRequest"
    intent: str | None
    slots: dict[str, ResolvedSlot] = field(default_factory=dict)
    method: str = "exact"         # launch, exact (word for word or carrier), leading, close, spotted, fallback, direct
    confidence: float = 1.0
    one_shot: bool = False        # "ask leg cramp helper ...": a new session
    matched: str | None = None    # the sample or phrase it matched

    @property
    def rule(self) -> str:
        """Which rule decided: "word for word", "carrier", "leading", "close", "spotted",
        "fallback", "launch" or "direct"."""
        if self.method == "exact":
            return "carrier" if "{" in (self.matched or "") else "word for word"
        return self.method

    def describe(self) -> str:
        """One line for `heard:`: intent, slots, and the rule that decided, e.g.
        `SymptomIntent muscle=FOOT sign='green' (no match) (carrier "my {muscle} is {sign}")`."""
        if self.request_type == "LaunchRequest":
            return "LaunchRequest (launch phrase)"
        slots = " ".join(slot.describe() for slot in self.slots.values())
        how = {"word for word": "word for word",
               "carrier": f'carrier "{self.matched}"',
               "leading": f'said first, word for word: "{self.matched}"',
               "close": f'close match {self.confidence:.2f} to "{self.matched}"',
               "spotted": f'symptom spotted, closest {self.confidence:.2f} "{self.matched}"',
               "fallback": f"no match; closest {self.confidence:.2f}"}.get(self.rule, self.rule)
        one_shot = ", one-shot" if self.one_shot else ""
        return f"{self.intent}{' ' + slots if slots else ''} ({how}{one_shot})"


#: Hesitation sounds: a device's speech recognition leaves them out of what it hears.
HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "uhm", "hmm", "mm", "oh", "ah"})


def normalize(text: str) -> str:
    """Lower case, words and apostrophes only, single spaces, no leading wake word, no
    hesitation sounds ("um", "er")."""
    text = text.lower().replace("\u2019", "'").replace("-", " ").replace("_", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    words = [w for w in words if w and w not in HESITATIONS]
    # A word said twice in a row is a stammer ("what what can you do"), as speech
    # recognition hears it: once.
    words = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]
    if words[:1] == ["alexa"]:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class _Template:
    intent: str
    sample: str
    pattern: re.Pattern[str] | None   # None for a sample without slots; a quick filter
    parts: tuple[str, ...]            # literal text and slot names, alternating
    slot_order: tuple[str, ...]
    literal_words: int                # the sample's own words, outside its slots
    typed_tokens: tuple[str, ...]     # slots replaced by <TYPE> markers, stemmed
    words: frozenset[str]             # its content words, for the word-overlap score
    negated: bool                     # says that something is not so
    asks: bool                        # holds a question word ("what", "how", "why")

    @property
    def listed_only(self) -> bool:
        """Whether its custom slots take listed values only (too few words of its own)."""
        return self.literal_words < MIN_LITERAL_WORDS_FOR_UNLISTED


def _asks(typed: list[str]) -> bool:
    """Whether the utterance is a question: it starts with a question word, or one starts
    a question within its first three words ("the time, what, what time is it")."""
    if typed and typed[0] in QUESTION_WORDS:
        return True
    return any(word in QUESTION_WORDS and following in QUESTION_FOLLOWERS
               for word, following in zip(typed[:3], typed[1:4]))


class Resolver:
    """Built once from an interaction model; `resolve(text)` is pure and fast."""

    def __init__(self, model: dict[str, Any],
                 builtin_phrases: dict[str, tuple[str, ...]] = BUILTIN_PHRASES) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language["invocationName"]
        self.intent_slots: dict[str, dict[str, str]] = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])}
            for i in language["intents"]}
        self.entities = _entity_index(language.get("types", []))
        self.literals: dict[str, tuple[str, str]] = {}
        self.templates: list[_Template] = []
        for intent in language["intents"]:
            # A built-in's own samples (if the model extends it) come first, then stand-ins.
            samples = dict.fromkeys([*intent.get("samples", []),
                                     *builtin_phrases.get(intent["name"], ())])
            for sample in samples:
                self._add_sample(intent["name"], sample)
        words_by_intent: dict[str, set[str]] = {}
        for template in self.templates:
            words_by_intent.setdefault(template.intent, set()).update(template.words)
        self.weights = IntentWordWeights(words_by_intent)
        # The words of every sample outside its slots: the language Alexa's model was taught.
        self.intent_words: dict[str, frozenset[str]] = {}
        for template in self.templates:
            own = content_words(stems(re.sub(r"\{\w+\}", " ", template.sample).split()))
            self.intent_words[template.intent] = self.intent_words.get(template.intent, frozenset()) | own
        self.sample_words = frozenset().union(*self.intent_words.values())
        #: Words the samples of other intents use outside any slot ("cold" in "cold or
        #: heat"): too weak, alone, for a symptom to be spotted by.
        self.other_words = frozenset().union(*(words for intent, words in self.intent_words.items()
                                               if not self._symptom_intent(intent)))
        self.shown_values = _shown_values(language["intents"])
        self.value_words = {slot_type: content_words(stems(" ".join(index).split()))
                            for slot_type, index in self.entities.items()}

    # --- building -------------------------------------------------------------------------

    def _add_sample(self, intent: str, sample: str) -> None:
        text = " ".join(sample.lower().split())
        slot_names = tuple(re.findall(r"\{(\w+)\}", text))
        types = self.intent_slots.get(intent, {})
        marked = [f"<{types.get(w[1:-1], '?')}>" if w.startswith("{") else w
                  for w in re.sub(r"(\{\w+\})", r" \1 ", text).split()]
        # Listed values in the sample's own words are typed too ("can i take paracetamol"
        # reads as "can i take <REMEDY>"), so a close match compares like with like; but a
        # symptom's words among a sample's own words ("my {muscle} is killing me") are that
        # sample's wording, never a symptom slot: typed as one, they would pull "my ankle is
        # swollen" away from the symptom intent, or drop the symptom said.
        typed = stems(self._typed_tokens(
            " ".join(marked), set(self.entities) - {SYMPTOM_TYPE})[0])
        literal_words = len(re.sub(r"\{\w+\}", " ", text).split())
        pattern = None
        parts = tuple(re.split(r"\{(\w+)\}", text))
        if slot_names:
            regex = "".join(f"(?P<{part}>.+?)" if i % 2 else re.escape(part)
                            for i, part in enumerate(parts))
            pattern = re.compile(regex)
        else:
            self.literals.setdefault(normalize(text), (intent, sample))
        self.templates.append(_Template(intent, sample, pattern, parts, slot_names,
                                        literal_words, typed, content_words(typed),
                                        _negated(marked),
                                        bool(QUESTION_WORDS & set(marked))))

    # --- resolving ------------------------------------------------------------------------

    def resolve(self, utterance: str) -> Resolution:
        """What Alexa would send for this utterance."""
        text = normalize(utterance)
        launch = self._launch_or_one_shot(text)
        if launch is not None:
            return launch
        return self.match_intent(text)

    def _launch_or_one_shot(self, text: str) -> Resolution | None:
        name = re.escape(self.invocation_name)
        verbs = "|".join(LAUNCH_VERBS)
        if re.fullmatch(rf"(?:(?:{verbs}) )?(?:the )?{name}", text):
            return Resolution("LaunchRequest", None, method="launch")
        one_shot = re.fullmatch(rf"(?:{'|'.join(ONE_SHOT_VERBS)}) (?:the )?{name}(?: (.*))?", text)
        if not one_shot:
            return None
        rest = (one_shot.group(1) or "").split()
        while rest and rest[0] in ONE_SHOT_CONNECTORS:
            rest = rest[1:]
        if not rest:
            return Resolution("LaunchRequest", None, method="launch")
        resolution = self.match_intent(" ".join(rest))
        return Resolution(resolution.request_type, resolution.intent, resolution.slots,
                          resolution.method, resolution.confidence, True, resolution.matched)

    def match_intent(self, text: str) -> Resolution:
        """Word for word, then a carrier phrase, then the closest sample, then Fallback, for
        text already normalised (the order of the module docstring)."""
        if text in self.literals:
            intent, sample = self.literals[text]
            return Resolution("IntentRequest", intent, method="exact", matched=sample)
        carrier = self._carrier_match(text)
        if carrier is None:
            close = self._close_match(text)
            if SYMPTOM_TYPE in {slot.slot_type for slot in close.slots.values()}:
                return close
            return self._spotted_sign(text) or close
        if any(self._taught_words(slot) for slot in carrier.slots.values()):
            leading = self._leading_literal(text)
            if leading is not None and not self._holds_symptom(carrier):
                return leading
            close = self._close_match(text)
            if self._close_wins_over(carrier, close):
                return self._keeping_symptom(text, carrier, close)
        return carrier

    def _leading_literal(self, text: str) -> Resolution | None:
        """A long sample (`MIN_LEADING_SAMPLE_WORDS`) said word for word at the start of
        longer speech ("i'm not sure how this works, what sort of things can i ask you"):
        its intent, before a carrier's slot swallows the rest as unlisted words. Not when
        the rest names a listed value ("how do i stop a cramp, in my thigh")."""
        words = text.split()
        for size in range(len(words) - 1, MIN_LEADING_SAMPLE_WORDS - 1, -1):
            head = " ".join(words[:size])
            if head in self.literals and not self._typed_tokens(" ".join(words[size:]))[1]:
                intent, sample = self.literals[head]
                return Resolution("IntentRequest", intent, method="leading", matched=sample)
        return None

    def _keeping_symptom(self, text: str, carrier: Resolution, close: Resolution) -> Resolution:
        """The closest sample, unless it drops a listed symptom the carrier's unlisted words
        held ("cramp in my thigh that's lasted forever", muscle="thigh that's lasted
        forever", close to "cramp in my {muscle}"): then the closest sample that carries the
        symptom (`_spotted_sign`), as for speech no sample matches."""
        if any(slot.slot_type == SYMPTOM_TYPE for slot in close.slots.values()):
            return close
        if not any(self._sign_span(normalize(slot.value))
                   for slot in carrier.slots.values() if not self._familiar(slot)):
            return close
        return self._spotted_sign(text) or close

    def _close_wins_over(self, carrier: Resolution, close: Resolution) -> bool:
        """Whether the closest sample beats a carrier whose unlisted words the model was
        taught: another intent's sample, or the same intent's with more listed slots ("i
        feel really confused" as "i feel {sign}", sign=confused) or without the intent's own
        words in a slot ("time my stretch for a minute")."""
        if close.intent == FALLBACK_INTENT:
            return False
        if self._holds_symptom(carrier) and \
                SYMPTOM_TYPE not in self.intent_slots.get(close.intent or "", {}).values():
            return False  # a symptom said is never dropped for an intent that has no place for it
        if close.intent != carrier.intent:
            return True
        return self._known(close) > self._known(carrier) or self._own_words(carrier)

    def _holds_symptom(self, resolution: Resolution) -> bool:
        """Whether a symptom slot of `resolution` holds a listed symptom among its words."""
        return any(slot.slot_type == SYMPTOM_TYPE and self._sign_span(normalize(slot.value))
                   for slot in resolution.slots.values())

    def _familiar(self, slot: ResolvedSlot) -> bool:
        """A listed value, a built-in type's value, or one the samples show in its place."""
        return (slot.status != "ER_SUCCESS_NO_MATCH"
                or normalize(slot.value) in self.shown_values.get(slot.slot_type, ()))

    def _kin(self, slot: ResolvedSlot) -> int:
        """How many of an unlisted value's words its type's listed values use."""
        return len(content_words(stems(normalize(slot.value).split()))
                   & self.value_words.get(slot.slot_type, frozenset()))

    def _own_words(self, resolution: Resolution) -> bool:
        """Whether an unlisted slot value holds words of its own intent's samples."""
        own = self.intent_words.get(resolution.intent or "", frozenset())
        return any(content_words(stems(normalize(slot.value).split())) & own
                   for slot in resolution.slots.values() if not self._familiar(slot))

    def _known(self, resolution: Resolution) -> int:
        return sum(self._familiar(slot) for slot in resolution.slots.values())

    def _taught_words(self, slot: ResolvedSlot) -> bool:
        """Whether unlisted words in a custom slot are words the model knows: a listed
        value with more words round it ("really confused"), or words of its samples ("is
        this cramp dangerous"). Alexa's model reads those as the phrasing they were taught
        in, not as a value it has never seen."""
        if self._familiar(slot):
            return False
        words = normalize(slot.value).split()
        if any(_find_span(words, listed.split()) is not None
               for listed in self.entities.get(slot.slot_type, {})):
            return True
        return bool(content_words(stems(words)) & self.sample_words)

    def _carrier_match(self, text: str) -> Resolution | None:
        """The best sample with slots whose own words match exactly, every slot filled.

        Best: fewest slots left with unlisted words, then the most literal words, then
        unlisted words most like the slot type's own values ("kidney disease" reads as a
        condition, beside "Parkinson's disease"), then the model's order."""
        best: tuple[tuple[int, int, int], Resolution] | None = None
        for template in self.templates:
            if template.pattern is None or not template.pattern.fullmatch(text):
                continue  # the regex is a quick filter; _splits tries every way to fill
            for captured in _splits(template.parts, text):
                slots = self._fill_slots(template, captured)
                if slots is None:
                    continue
                unlisted = [s for s in slots.values() if not self._familiar(s)]
                score = (-len(unlisted), template.literal_words,
                         sum(self._kin(s) for s in unlisted))
                if best is None or score > best[0]:
                    best = (score, Resolution("IntentRequest", template.intent, slots,
                                              method="exact", matched=template.sample))
        return best[1] if best else None

    def _fill_slots(self, template: _Template, captured: dict[str, str]
                    ) -> dict[str, ResolvedSlot] | None:
        """Slot values for one way of filling a carrier, or None when a value cannot fill
        its slot: a built-in type that cannot read it, or unlisted words in a sample too
        short to carry them."""
        slots = {}
        types = self.intent_slots[template.intent]
        for name in template.slot_order:
            slot = self.resolve_slot(name, types[name], captured[name])
            if slot is None:
                return None
            if slot.status == "ER_SUCCESS_NO_MATCH" and template.listed_only:
                return None
            slots[name] = slot
        return slots

    def resolve_slot(self, name: str, slot_type: str, value: str) -> ResolvedSlot | None:
        """Fill one slot from a heard value: entity resolution for custom types (a listed
        value or synonym is ER_SUCCESS_MATCH, any other words ER_SUCCESS_NO_MATCH), ISO 8601
        for durations, digits for numbers. None when a built-in type cannot read the value
        ("soon" as a duration, "a few" as a number)."""
        if slot_type == DURATION_TYPE:
            iso = value.upper() if re.fullmatch(r"(?i)p[0-9tdhms.w]+", value) else parse_duration(value)
            return ResolvedSlot(name, iso, slot_type) if iso else None
        if slot_type == NUMBER_TYPE:
            digits = parse_number(value)
            return ResolvedSlot(name, digits, slot_type) if digits else None
        if slot_type.startswith("AMAZON."):
            return ResolvedSlot(name, value, slot_type)
        entity = self.entities.get(slot_type, {}).get(normalize(value))
        if entity:
            return ResolvedSlot(name, value, slot_type, entity[0], entity[1], "ER_SUCCESS_MATCH")
        return ResolvedSlot(name, value, slot_type, status="ER_SUCCESS_NO_MATCH")

    def _close_match(self, text: str) -> Resolution:
        typed, found = self._typed_tokens(text)
        tokens = stems(typed)
        words = content_words(tokens)
        if not words:  # only small words or fillers ("uh", "um"): nothing to go on
            return Resolution("IntentRequest", FALLBACK_INTENT, method="fallback", confidence=0.0)
        best_score, best = (0.0, 0.0), None
        negated = _negated(typed)
        asking = _asks(typed)
        for template in self.templates:
            if words and not words & template.words:
                continue  # sharing only "what is the" (or "i am") is not being close
            if asking and not template.asks:
                continue  # "what time is it" asks; "time it" tells: not close
            if template.negated != negated:
                continue
            order = order_ratio(tokens, template.typed_tokens)
            overlap = self.weights.cosine(words, template.words)
            score = (max(order, overlap), min(order, overlap))  # ties: the other view decides
            if score > best_score:
                best_score, best = score, template
        best_score = best_score[0]
        if best is None or best_score <= CLOSE_MATCH_THRESHOLD:
            return Resolution("IntentRequest", FALLBACK_INTENT, method="fallback",
                              confidence=round(best_score, 2))
        slots = {}
        for name, slot_type in self.intent_slots[best.intent].items():
            # A symptom is heard only where the closest sample puts one: "a cold flannel"
            # close to "can i put ice on it" is no cold limb, "would a warm blanket help"
            # no warmth (an intent may carry the SIGN slot in other samples).
            if slot_type in (SYMPTOM_TYPE, DURATION_TYPE) and name not in best.slot_order:
                # A length of time too: "just off a twelve hour shift" is no cramp's length.
                continue
            if slot_type == SYMPTOM_TYPE:
                # A journey's words are read for how long and how long ago: the slot takes
                # all the words in its place; elsewhere the symptom said is enough.
                span = ((_aligned(text, best.sample, name) if best.intent in READ_WHOLE
                         else None) or self._sign_span(text))
                if span is not None:
                    found[SYMPTOM_TYPE] = span
            if slot_type == PERSON_TYPE and slot_type not in found and name in best.slot_order:
                # Whose cramp it is takes the words in its place ("my granddaughter's five"),
                # as a device's slot does: the skill reads them for a child.
                span = _aligned(text, best.sample, name)
                if span is not None:
                    found[PERSON_TYPE] = span
            if name not in best.slot_order and f"<{slot_type}>" in best.typed_tokens:
                # The sample names that value in its own words ("how long do i pull my toes
                # back"): the word said there is its wording, as in the sample, not a slot.
                continue
            if slot_type in found:
                slot = self.resolve_slot(name, slot_type, found[slot_type])
                if slot is not None:
                    slots[name] = slot
        return Resolution("IntentRequest", best.intent, slots, method="close",
                          confidence=round(best_score, 2), matched=best.sample)

    def _spotted_sign(self, text: str) -> Resolution | None:
        """A listed symptom said inside speech that no sample matches ("start the countdown,
        oh and my calf's gone red"): a device's language model weighs a slot value it was
        taught, so the symptom is not dropped: the closest sample that carries the symptom
        slot is heard, at a lower bar (`SPOTTED_SIGN_THRESHOLD`). A single word the samples
        also use outside any slot ("cold" in "something cold") is too weak to spot."""
        typed, found = self._typed_tokens(text)
        value = self._sign_span(text, with_length=True)
        if value is None:
            return None
        found[SYMPTOM_TYPE] = value
        tokens = stems(typed)
        words = content_words(tokens)
        negated = _negated(typed)
        best_score, best = (0.0, 0.0), None
        for template in self.templates:
            types = self.intent_slots.get(template.intent, {})
            if template.negated != negated or not self._symptom_intent(template.intent):
                continue
            if not any(types.get(name) == SYMPTOM_TYPE for name in template.slot_order):
                continue
            order = order_ratio(tokens, template.typed_tokens)
            overlap = self.weights.cosine(words, template.words)
            score = (max(order, overlap), min(order, overlap))
            if score > best_score:
                best_score, best = score, template
        bar = SPOTTED_SIGN_THRESHOLD if len(value.split()) == 1 else 0.0
        if best is None or best_score[0] < bar:
            return None
        slots = {}
        types = self.intent_slots[best.intent]
        for name in types:  # the muscle said beside it fills its slot too ("my leg really hurts")
            if types[name] == SYMPTOM_TYPE and name not in best.slot_order:
                continue
            if types[name] in found:
                slot = self.resolve_slot(name, types[name], found[types[name]])
                if slot is not None:
                    slots[name] = slot
        return Resolution("IntentRequest", best.intent, slots, method="spotted",
                          confidence=round(best_score[0], 2), matched=best.sample)

    def _sign_span(self, text: str, with_length: bool = False) -> str | None:
        """The words from the first listed symptom said to the last ("slipped getting out
        of bed and now i can't put any weight on that leg"), as a device's slot would take
        them; None when no symptom is said, or only one word the other intents' samples use.
        `with_length`: a "for <length>" said beside them is taken in too ("locked up for
        like fifteen mins"), as the slot of a sample without a length slot would take it."""
        words = text.split()
        spans: list[tuple[int, int]] = []
        for phrase in sorted(self.entities.get(SYMPTOM_TYPE, {}), key=lambda p: -len(p.split())):
            target = phrase.split()
            if self._weak_symptom(phrase):
                continue
            start = _find_span(words, target)
            if start is None:
                continue
            end = start + len(target)
            if any(start < b and a < end for a, b in spans):
                continue  # the longer phrase said there already counts
            spans.append((start, end))
        if not spans:
            return None
        length = _for_length(words) if with_length else None
        if length is not None and not any(length[0] < b and a < length[1] for a, b in spans):
            spans.append(length)  # a length the symptom's own words hold stays theirs
        return " ".join(words[min(a for a, _ in spans):max(b for _, b in spans)])

    def _weak_symptom(self, phrase: str) -> bool:
        """A one-word symptom value that other intents' samples use as their own word."""
        target = phrase.split()
        return len(target) == 1 and bool(getattr(self, "other_words", None)) \
            and content_words(stems(target)) <= self.other_words

    def _symptom_intent(self, intent: str) -> bool:
        """An intent whose every slot is a symptom or a muscle: what a spotted symptom is
        heard as (a countdown or a heat question keeps its own samples)."""
        types = set(self.intent_slots.get(intent, {}).values())
        return SYMPTOM_TYPE in types and types <= {SYMPTOM_TYPE, "MUSCLE"}

    def _typed_tokens(self, text: str, types: Collection[str] | None = None
                      ) -> tuple[list[str], dict[str, str]]:
        """The words with known slot values replaced by <TYPE> markers, and those values
        (only values of `types`, when given)."""
        words = text.split()
        found: dict[str, str] = {}
        duration = find_duration(words) if types is None or DURATION_TYPE in types else None
        if duration:
            found[DURATION_TYPE] = " ".join(words[duration.start:duration.end])
            words = words[:duration.start] + [f"<{DURATION_TYPE}>"] + words[duration.end:]
        for type_name, index in self.entities.items():
            if types is not None and type_name not in types:
                continue
            for phrase in sorted(index, key=lambda p: -len(p.split())):
                if type_name == SYMPTOM_TYPE and self._weak_symptom(phrase):
                    continue  # "cold" in "heat or cold on it" is the heat question's word
                span = _find_span(words, phrase.split())
                if span is not None:
                    found[type_name] = phrase
                    words = words[:span] + [f"<{type_name}>"] + words[span + len(phrase.split()):]
                    break
        return words, found


def _for_length(words: list[str]) -> tuple[int, int] | None:
    """(start, end) of "for <length>" in the words ("for like fifteen mins"), a few words
    allowed between "for" and the length; None when no length follows a "for"."""
    length = find_duration(words)
    if length is None:
        return None
    for start in range(length.start - 1, max(length.start - 4, -1), -1):
        if words[start] == "for":
            return start, length.end
    return None


def _aligned(text: str, sample: str, slot: str) -> str | None:
    """The words of `text` that stand where `{slot}` stands in the closest sample, lined up
    by the words around it ("i drove for ten hours yesterday and now my calf is throbbing"
    beside "i drove for {sign} and now my {muscle} is cramping": "ten hours yesterday"), as a
    device's slot takes the words in its place; None when nothing stands there."""
    said, shape = text.split(), sample.lower().split()
    marker = "{" + slot + "}"
    if marker not in shape:
        return None
    place = shape.index(marker)
    matcher = difflib.SequenceMatcher(None, shape, said, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete") and i1 <= place < i2 and j2 > j1:
            return " ".join(said[j1:j2])
    return None


def _negated(words: list[str]) -> bool:
    """Whether the words say that something is not so ("not", "no", "isn't")."""
    return any(w in NEGATIONS or w.endswith("n't") for w in words)


def _shown_values(intents: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """slot type -> unlisted words the samples put in a slot's place: a sample with a
    custom slot and another sample of the same intent that says the same around one or two
    words there ("cramp in both {muscle}" beside "cramp in both legs"). Kept once enough
    pairs agree, so one coincidence ("is it my {condition}" beside "is it my medicine")
    teaches nothing."""
    pairs: dict[tuple[str, str], int] = {}
    for intent in intents:
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        samples = [" ".join(s.lower().split()) for s in intent.get("samples", [])]
        for sample in samples:
            if len(re.sub(r"\{\w+\}", " ", sample).split()) < MIN_LITERAL_WORDS_FOR_UNLISTED:
                continue
            for name in set(re.findall(r"\{(\w+)\}", sample)):
                before, _, after = sample.partition("{" + name + "}")
                if types.get(name, "AMAZON.").startswith("AMAZON.") or "{" + name + "}" in after:
                    continue
                shape = re.compile(re.escape(before) + r"([a-z']+(?: [a-z']+){0,%d})"
                                   % (MAX_SHOWN_VALUE_WORDS - 1) + re.escape(after))
                for other in samples:
                    found = shape.fullmatch(other)
                    if found:
                        key = (types[name], found.group(1))
                        pairs[key] = pairs.get(key, 0) + 1
    shown: dict[str, set[str]] = {}
    for (slot_type, value), count in pairs.items():
        if count >= MIN_SAMPLE_PAIRS_FOR_SHOWN_VALUE:
            shown.setdefault(slot_type, set()).add(value)
    return {slot_type: frozenset(values) for slot_type, values in shown.items()}


def _splits(parts: tuple[str, ...], text: str) -> Iterator[dict[str, str]]:
    """Every way to fill a sample's slots from the text: `parts` alternates the sample's own
    text (matched exactly) and slot names; each slot takes one or more whole words."""
    def walk(i: int, pos: int, taken: dict[str, str]) -> Iterator[dict[str, str]]:
        if not text.startswith(parts[i], pos):
            return
        pos += len(parts[i])
        if i == len(parts) - 1:
            if pos == len(text):
                yield dict(taken)
            return
        if pos and text[pos - 1].isalnum():
            return  # a slot starts at a word's start
        for end in range(pos + 1, len(text) + 1):
            if end < len(text) and text[end].isalnum():
                continue  # and ends at a word's end
            value = text[pos:end]
            if value.strip() != value:
                continue
            taken[parts[i + 1]] = value
            yield from walk(i + 2, end, taken)
            del taken[parts[i + 1]]
    yield from walk(0, 0, {})


def _find_span(words: list[str], phrase: list[str]) -> int | None:
    for i in range(len(words) - len(phrase) + 1):
        if words[i:i + len(phrase)] == phrase:
            return i
    return None


def _entity_index(types: list[dict[str, Any]]) -> dict[str, dict[str, tuple[str, str]]]:
    """slot type -> spoken form (value or synonym, normalised) -> (id, canonical name)."""
    index: dict[str, dict[str, tuple[str, str]]] = {}
    for slot_type in types:
        spoken = index.setdefault(slot_type["name"], {})
        for value in slot_type.get("values", []):
            name = value["name"]["value"]
            for word in [name] + list(value["name"].get("synonyms", [])):
                spoken.setdefault(normalize(word), (value.get("id") or name, name))
    return index
