"""The SDK side of the night screen: whether the device has one, and the directives.

The documents and commands are plain dicts from `skill.domain.screen`; this module only
wraps them in Alexa.Presentation.APL (and, for a clock display, APLT) directives, and only
for a device that declares the interface. `common.respond` is the only caller.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces, is_request_type

from skill.domain.content import Content
from skill.domain.countdown import SpokenCount
from skill.domain.state import DialogState

APL_INTERFACE = "Alexa.Presentation.APL"
APLT_INTERFACE = "Alexa.Presentation.APLT"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"


def _interface(handler_input: HandlerInput, attribute: str) -> bool:
    try:
        return getattr(get_supported_interfaces(handler_input), attribute, None) is not None
    except (AttributeError, TypeError):  # no context or device: a test tool
        return False


def shows_screen(handler_input: HandlerInput) -> bool:
    """The device declares `Alexa.Presentation.APL`."""
    return _interface(handler_input, "alexa_presentation_apl")


def has_clock(handler_input: HandlerInput) -> bool:
    """The device declares `Alexa.Presentation.APLT` (a character display)."""
    return _interface(handler_input, "alexa_presentation_aplt")


def is_touch(handler_input: HandlerInput) -> bool:
    return is_request_type(USER_EVENT)(handler_input)


def show(handler_input: HandlerInput, content: Content, state: DialogState, said: str, *,
         end: bool, urgent: bool, count: SpokenCount | None) -> None:
    """Render the answer's screen; a countdown also gets the commands that speak it."""
    # The APL models and the documents load with the first screen, not with every cold start.
    from ask_sdk_model.interfaces.alexa.presentation import apl

    from skill.domain import screen

    shown = screen.choose(content, state, said, end=end, urgent=urgent, count=count)
    builder = handler_input.response_builder
    builder.add_directive(apl.RenderDocumentDirective(
        token=screen.TOKEN, document=screen.document(shown),
        datasources=screen.datasources(shown)))
    if shown.count is not None:
        builder.add_directive(apl.ExecuteCommandsDirective(
            token=screen.TOKEN, commands=screen.count_commands(shown.count)))


def show_clock(handler_input: HandlerInput, count: SpokenCount) -> None:
    """The countdown's seconds on a character display, when the device has one."""
    if not has_clock(handler_input):
        return
    from ask_sdk_model.interfaces.alexa.presentation import aplt

    from skill.domain import screen

    builder = handler_input.response_builder
    builder.add_directive(aplt.RenderDocumentDirective(
        token=screen.TOKEN, document=screen.clock_document(count.plan.seconds)))
    builder.add_directive(aplt.ExecuteCommandsDirective(
        token=screen.TOKEN, commands=screen.clock_commands(count)))
