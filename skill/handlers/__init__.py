"""Request handlers grouped by feature, plus the shared interceptors.

`register(builder, settings)` is the one place the skill assembly calls: it loads the
content once (a bad file stops start-up here) and adds every handler. Order matters:
the SDK picks the first handler that can handle a request, so feature handlers come
first and the catch-all for unknown intents comes last.

`HANDLED_INTENTS` lists every intent name some handler answers, taken from the handler
classes themselves; the interaction-model checks compare it with the model.
"""
from __future__ import annotations

from skill.domain.content import Content, load_content
from skill.handlers.builtins import (
    FallbackIntentHandler, HelpIntentHandler, NextIntentHandler, NoIntentHandler,
    NotSureIntentHandler, PauseIntentHandler, PreviousIntentHandler, RepeatIntentHandler,
    ResumeIntentHandler, SessionEndedRequestHandler, StartOverIntentHandler, StopIntentHandler,
    UnknownIntentHandler, YesIntentHandler)
from skill.handlers.common import IntentHandler
from skill.handlers.countdown import StretchTimerIntentHandler
from skill.handlers.interceptors import (
    CatchAllExceptionHandler, PreferredHoldInterceptor, RememberSpeechInterceptor)
from skill.handlers.relief import LaunchRequestHandler, ReliefStepsIntentHandler
from skill.handlers.serious import (
    DurationReplyHandler, EmergencySignIntentHandler, IsItSeriousIntentHandler)
from skill.handlers.settings import (
    ForgetSettingsIntentHandler, NormalVoiceIntentHandler, QuietVoiceIntentHandler,
    SetHoldTimeIntentHandler)
from skill.handlers.topics import (
    CausesIntentHandler, MedicationIntentHandler, PreventionIntentHandler, SourcesIntentHandler)
from skill.preferences_handlers import QuietVoiceInterceptor, SkillDisabledEventHandler
from skill.settings import Settings

#: Handlers of named intents, in dispatch order.
INTENT_HANDLERS: tuple[type[IntentHandler], ...] = (
    ReliefStepsIntentHandler,
    DurationReplyHandler,  # before the countdown and hold-time handlers: it takes their
    StretchTimerIntentHandler,  # intents only when a duration answers the serious check
    IsItSeriousIntentHandler,
    EmergencySignIntentHandler,
    PreventionIntentHandler,
    CausesIntentHandler,
    MedicationIntentHandler,
    SourcesIntentHandler,
    QuietVoiceIntentHandler,
    NormalVoiceIntentHandler,
    SetHoldTimeIntentHandler,
    ForgetSettingsIntentHandler,
    HelpIntentHandler,
    StopIntentHandler,
    FallbackIntentHandler,
    NextIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    StartOverIntentHandler,
    YesIntentHandler,
    NoIntentHandler,
    NotSureIntentHandler,
    PauseIntentHandler,
    ResumeIntentHandler,
)

HANDLED_INTENTS: frozenset[str] = frozenset().union(*(h.intents for h in INTENT_HANDLERS))


def register(builder, settings: Settings, content: Content | None = None) -> Content:  # noqa: ANN001
    """Add every handler, the interceptors and the exception handler to `builder`.
    Returns the content it loaded (from `settings.content_dir` unless given).

    Response interceptors run in the order added: the speech memory keeps the plain
    speech, then the quiet voice whispers what goes out (and "repeat" whispers it again)."""
    content = content or load_content(settings.content_dir)
    builder.add_request_handler(SkillDisabledEventHandler())
    builder.add_request_handler(LaunchRequestHandler(content))
    for handler_class in INTENT_HANDLERS:
        builder.add_request_handler(handler_class(content))
    builder.add_request_handler(SessionEndedRequestHandler())
    builder.add_request_handler(UnknownIntentHandler(content))  # keep last
    builder.add_global_request_interceptor(PreferredHoldInterceptor())
    builder.add_global_response_interceptor(RememberSpeechInterceptor())
    builder.add_global_response_interceptor(QuietVoiceInterceptor())
    builder.add_exception_handler(CatchAllExceptionHandler())
    return content
