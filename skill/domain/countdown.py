"""The spoken stretch countdown, carried in one response.

A skill can only speak in answer to a request, so the whole hold is one SSML document:
the instruction, then silence broken by spoken checkpoints (halfway, ten seconds left,
five-four-three-two-one), then "release". The checkpoints are placed on a timeline so
the span from "starting now" to "release" plays for the requested time at Alexa's pace
(breaks plus words at 150 a minute). Pure module: no SDK imports.
"""
from __future__ import annotations

from datetime import timedelta

from msgspec import Struct

from skill.domain.content import CountdownPrompts
from skill.domain.ssml import Pause, Segment, Text, play_seconds, speech_seconds

#: The hold lengths the skill counts, in seconds: content/countdown.toml's limits must lie
#: within them, and a remembered hold time outside them is never stored.
HOLD_SECONDS_MIN = 10
HOLD_SECONDS_MAX = 120
#: Silence kept after a checkpoint before the next one may start.
MIN_GAP_S = 0.2


class HoldTime(Struct, frozen=True):
    """How long to count, and a note to say when the request was changed."""

    seconds: int
    note: str | None = None


def spoken_duration(seconds: int) -> str:
    """A duration the way people say it: "30 seconds", "1 minute", "90 seconds"."""
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{seconds} seconds"


def _as_seconds(duration: str) -> float | None:
    """Seconds in an ISO 8601 duration (AMAZON.DURATION), None if it is unreadable.
    Calendar units (years, months) and amounts too large to compute count as "very long"."""
    import isodate  # only countdowns with a spoken length need it, not start-up

    try:
        parsed = isodate.parse_duration(duration.strip())
    except OverflowError:  # readable, only too large for a timedelta: a very long time
        return -1.0 if duration.strip().startswith("-") else float("inf")
    except (isodate.ISO8601Error, ValueError, TypeError, AttributeError):
        return None
    if isinstance(parsed, timedelta):
        return parsed.total_seconds()
    if getattr(parsed, "years", 0) or getattr(parsed, "months", 0):
        return float("inf") if (parsed.years or 0) >= 0 and (parsed.months or 0) >= 0 else -1.0
    try:
        return parsed.tdelta.total_seconds()
    except (AttributeError, OverflowError):
        return None


def readable_seconds(duration: str | None) -> float | None:
    """Seconds in a spoken duration when it is a usable, positive length; else None."""
    seconds = _as_seconds(str(duration)) if duration and str(duration).strip() else None
    if seconds is None or seconds != seconds or seconds <= 0:  # unreadable, NaN, zero, negative
        return None
    return seconds


def hold_time(duration: str | None, default: int, minimum: int, maximum: int,
              words: CountdownPrompts) -> HoldTime:
    """The hold length for a requested AMAZON.DURATION value. Missing: the default.
    Unreadable or negative: the default, with a note. Out of range (zero too: "time it for
    zero seconds" asks for the shortest): clamped, with a note (the notes are `words`'
    unreadable, too_short, too_long). Never raises."""
    if duration is None or not str(duration).strip():
        return HoldTime(default)
    seconds = _as_seconds(str(duration))
    if seconds is None or seconds != seconds or seconds < 0 \
            or (seconds == 0 and not any(c.isdigit() for c in str(duration))):  # "PT": no number
        return HoldTime(default, words.unreadable.format(duration=spoken_duration(default)))
    if seconds < minimum:
        return HoldTime(minimum, words.too_short.format(duration=spoken_duration(minimum)))
    if seconds > maximum:
        return HoldTime(maximum, words.too_long.format(duration=spoken_duration(maximum)))
    return HoldTime(int(round(seconds)))


class CountdownPlan(Struct, frozen=True):
    """The countdown as segments: intro, the timed hold, then the release."""

    seconds: int
    intro: tuple[Segment, ...]
    hold: tuple[Segment, ...]
    release: tuple[Segment, ...]

    @property
    def segments(self) -> tuple[Segment, ...]:
        return (*self.intro, *self.hold, *self.release)


def _joined(first: str, second: str) -> str:
    """Two checkpoints said as one: "Halfway." + "Ten seconds left." -> "Halfway, ten
    seconds left."."""
    return f"{first.rstrip('.')}, {second[:1].lower()}{second[1:]}"


def checkpoints(seconds: int, words: CountdownPrompts) -> list[tuple[float, str]]:
    """(time into the hold, words) for each spoken checkpoint, in order (the words are
    `words`' halfway, ten_left and five to one).

    From 12 s up: "Ten seconds left." at `seconds - 10`, "Halfway." at `seconds / 2`, then
    "Five." to "One." a second apart, each said when it is true. When two checkpoints fall
    so close that the second would start while the first is still being said (18 to 21 s),
    they are said together at the first one's moment, in their true order: "Halfway, ten
    seconds left." at 20 s, "Ten seconds left, halfway." at 18 and 19 s; the second part
    then comes less than a second off its moment.

    For 10 and 11 s only five-to-one is said: the start already announces the length
    ("10 seconds, starting now"), and "Five." falls on (10 s) or half a second after
    (11 s) the halfway mark, so a separate "Halfway." would run into it."""
    marks: list[tuple[float, str]] = []
    if seconds / 2 + speech_seconds(words.halfway) + MIN_GAP_S <= seconds - 5:  # 12 s and up
        marks.append((seconds / 2, words.halfway))
        marks.append((seconds - 10.0, words.ten_left))
    marks.extend((float(seconds - (5 - i)), word) for i, word in enumerate(words.last_five))
    marks.sort(key=lambda mark: mark[0])  # stable: at a tie, halfway comes first
    merged: list[tuple[float, str]] = []
    for at, spoken in marks:
        if merged:
            start, said = merged[-1]
            if at < start + speech_seconds(said) + MIN_GAP_S:
                merged[-1] = (start, _joined(said, spoken))
                continue
        merged.append((at, spoken))
    return merged


def hold_segments(seconds: int, words: CountdownPrompts) -> tuple[Segment, ...]:
    """The timed span: pauses and checkpoints adding up to `seconds` of playing time.
    A checkpoint that would still overlap the previous one is left out (a guard: from
    10 s to 2 min, `checkpoints` never gives one)."""
    segments: list[Segment] = []
    clock = 0.0
    for at, spoken in checkpoints(seconds, words):
        if at < clock + (MIN_GAP_S if segments else 0.0):
            continue
        if at > clock:
            segments.append(Pause(round(at - clock, 3)))
        segments.append(Text(spoken))
        clock = at + speech_seconds(spoken)
    if seconds > clock:
        segments.append(Pause(round(seconds - clock, 3)))
    return tuple(segments)


def plan_countdown(seconds: int, cue: str, words: CountdownPrompts,
                   note: str | None = None) -> CountdownPlan:
    """The whole countdown for a hold of `seconds`, opening with the stretch `cue`."""
    start = words.starting.format(duration=spoken_duration(seconds))
    intro = " ".join(part for part in (cue, note, start) if part)
    return CountdownPlan(seconds=seconds, intro=(Text(intro),),
                         hold=hold_segments(seconds, words), release=(Text(words.release),))


def hold_play_seconds(plan: CountdownPlan) -> float:
    """Estimated time from "starting now" to "release" (what the user actually holds)."""
    return play_seconds(plan.hold)


class SpokenCount(Struct, frozen=True):
    """A whole countdown answer as said: sentences `before` the plan (a caution), the plan,
    and sentences `after` it (the question that follows)."""

    plan: CountdownPlan
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    @property
    def segments(self) -> tuple[Segment, ...]:
        return (*(Text(words) for words in self.before), *self.plan.segments,
                *(Text(words) for words in self.after))
