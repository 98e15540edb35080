"""Request handlers grouped by feature, plus the interceptors.

`register(builder, settings)` is the one place the skill assembly calls: it loads the
content once (a bad file stops start-up here) and adds every handler and interceptor, in
this order (the SDK picks the first handler that can handle a request):
1. the SKILL_DISABLED event, Alexa's name-free question (CanFulfillIntentRequest), the
   answer to a voice permission request, launch, and a touch on the screen (answered by
   the handler of the intent it stands for);
2. safety: a red flag named anywhere in the request, then a child named anywhere in it,
   then the symptom, absent-sign and cramp-duration intents;
3. the reply to the waiting question (skill.domain.dialog's table);
4. feature handlers, then Amazon's built-ins; the catch-all for unknown intents last.

`HANDLED_INTENTS` lists every intent name some handler answers, taken from the handler
classes themselves; the interaction-model checks compare it with the model.
"""
from __future__ import annotations

from skill.domain.content import Content, load_content
from skill.handlers.amazon import (
    FallbackIntentHandler, HelpIntentHandler, NextIntentHandler, NotSureIntentHandler,
    PauseIntentHandler, PreviousIntentHandler, RepeatIntentHandler, ResumeIntentHandler,
    SessionEndedRequestHandler, StartOverIntentHandler, StopIntentHandler,
    UnknownIntentHandler, YesNoIntentHandler)
from skill.handlers.common import IntentHandler
from skill.handlers.countdown import (
    StopCountingIntentHandler, StretchTimerIntentHandler)
from skill.handlers.interceptors import (
    CatchAllExceptionHandler, LocaleWordsInterceptor, PreferredHoldInterceptor,
    QuietVoiceInterceptor, RememberSpeechInterceptor)
from skill.handlers.fulfil import CanFulfillIntentRequestHandler
from skill.handlers.night import NightVoiceInterceptor
from skill.handlers.preferences import SkillDisabledEventHandler
from skill.handlers.reminders import StretchReminderIntentHandler
from skill.handlers.timers import PermissionResponseHandler, TenMinuteTimerIntentHandler
from skill.handlers.relief import (
    ChildFirstHandler, LaunchRequestHandler, NotHelpingIntentHandler, NotReadyIntentHandler,
    ReliefStepsIntentHandler, StandIntentHandler, WalkIntentHandler)
from skill.handlers.replies import PendingReplyHandler
from skill.handlers.safety import (
    CrampDurationIntentHandler, JourneyIntentHandler, RedFlagFirstHandler,
    SignAbsentIntentHandler, SignUnsureIntentHandler, SymptomIntentHandler)
from skill.handlers.serious import IsItSeriousIntentHandler
from skill.handlers.settings import (
    ForgetSettingsIntentHandler, NormalVoiceIntentHandler, QuietVoiceIntentHandler,
    SetHoldTimeIntentHandler)
from skill.handlers.touch import TouchEventHandler
from skill.handlers.side import (
    ConditionIntentHandler, DoseIntentHandler, GoodbyeIntentHandler, HeatOrColdIntentHandler,
    HoldLengthIntentHandler, PainReliefIntentHandler, PregnancyIntentHandler,
    RemedyIntentHandler)
from skill.handlers.topics import (
    CausesIntentHandler, MedicationIntentHandler, PreventionIntentHandler, SourcesIntentHandler)
from skill.settings import Settings

#: Handlers of named intents, in dispatch order.
INTENT_HANDLERS: tuple[type[IntentHandler], ...] = (
    RedFlagFirstHandler,
    ChildFirstHandler,
    SymptomIntentHandler,
    SignAbsentIntentHandler,
    SignUnsureIntentHandler,
    JourneyIntentHandler,
    CrampDurationIntentHandler,
    PendingReplyHandler,
    GoodbyeIntentHandler,
    ReliefStepsIntentHandler,
    NotHelpingIntentHandler,
    NotReadyIntentHandler,
    WalkIntentHandler,
    StandIntentHandler,
    StretchTimerIntentHandler,
    StopCountingIntentHandler,
    IsItSeriousIntentHandler,
    PreventionIntentHandler,
    CausesIntentHandler,
    MedicationIntentHandler,
    SourcesIntentHandler,
    HoldLengthIntentHandler,
    HeatOrColdIntentHandler,
    PainReliefIntentHandler,
    PregnancyIntentHandler,
    DoseIntentHandler,
    RemedyIntentHandler,
    ConditionIntentHandler,
    QuietVoiceIntentHandler,
    NormalVoiceIntentHandler,
    SetHoldTimeIntentHandler,
    ForgetSettingsIntentHandler,
    TenMinuteTimerIntentHandler,
    StretchReminderIntentHandler,
    HelpIntentHandler,
    StopIntentHandler,
    FallbackIntentHandler,
    NextIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    StartOverIntentHandler,
    YesNoIntentHandler,
    NotSureIntentHandler,
    PauseIntentHandler,
    ResumeIntentHandler,
)

HANDLED_INTENTS: frozenset[str] = frozenset().union(*(h.intents for h in INTENT_HANDLERS))


def register(builder, settings: Settings, content: Content | None = None) -> Content:  # noqa: ANN001
    """Add every handler, the interceptors and the exception handler to `builder`.
    Returns the content it loaded (from `settings.content_dir` unless given)."""
    content = content or load_content(settings.content_dir)
    builder.add_request_handler(SkillDisabledEventHandler())
    builder.add_request_handler(CanFulfillIntentRequestHandler())
    builder.add_request_handler(PermissionResponseHandler(content))
    builder.add_request_handler(LaunchRequestHandler(content))
    intent_handlers = [handler_class(content) for handler_class in INTENT_HANDLERS]
    builder.add_request_handler(TouchEventHandler(content, intent_handlers))
    for handler in intent_handlers:
        builder.add_request_handler(handler)
    builder.add_request_handler(SessionEndedRequestHandler())
    builder.add_request_handler(UnknownIntentHandler(content))  # keep last
    builder.add_global_request_interceptor(PreferredHoldInterceptor())
    builder.add_global_response_interceptor(LocaleWordsInterceptor(content))  # before "repeat"
    builder.add_global_response_interceptor(RememberSpeechInterceptor())
    builder.add_global_response_interceptor(QuietVoiceInterceptor())
    builder.add_global_response_interceptor(NightVoiceInterceptor(content))  # after the whisper
    builder.add_exception_handler(CatchAllExceptionHandler(content))
    return content
