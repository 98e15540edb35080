"""Typical phrases for Amazon's built-in intents.

The interaction model carries no samples for built-ins (Amazon's own models recognise them), so
the simulator needs a stand-in: a short list of what people usually say. Only intents that the
model declares are used; a custom intent's own samples always take precedence.
"""
from __future__ import annotations

BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "i don't understand", "i'm lost", "what can you do", "what can i say",
                          "how does this work", "what do you do", "instructions", "options",
                          "what can i ask", "what can i ask you", "how do i use this",
                          "how do i use this skill", "i need help with this skill"),
    "AMAZON.StopIntent": ("stop", "stop it", "stop talking", "shut up", "be quiet", "quiet",
                          "enough", "i'm done", "done", "goodbye", "bye",
                          "off", "quit", "exit", "that's all", "that's all for now",
                          "that's it thanks"),
    "AMAZON.CancelIntent": ("cancel", "cancel that", "never mind", "nevermind", "forget it"),
    "AMAZON.NextIntent": ("next", "next step", "next one", "what's next", "go on",
                          "continue", "keep going", "skip", "skip it", "then what",
                          "what now", "and then"),
    "AMAZON.PreviousIntent": ("previous", "previous step", "go back", "back", "last step",
                              "the step before", "before that", "last one", "back one", "one step back",
                              "go back one step"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "say again",
                            "again", "what", "pardon", "come again", "what did you say",
                            "i didn't catch that", "one more time", "i missed that",
                            "sorry what was that", "sorry say that again"),
    "AMAZON.StartOverIntent": ("start over", "start again", "restart", "begin again",
                               "from the beginning", "from the top", "back to the start"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "yup", "yes please", "sure", "okay", "ok",
                         "uh huh", "of course", "correct", "right", "that's right",
                         "affirmative", "i do", "it is", "it did", "i am"),
    "AMAZON.NoIntent": ("no", "nope", "nah", "no thanks", "no thank you", "not really",
                        "i don't", "it isn't", "it didn't", "i'm not", "negative", "not at all",
                        "no it isn't", "no it's not", "no i'm not", "no it hasn't", "no not really",
                        "i don't think so"),
    "AMAZON.PauseIntent": ("pause", "pause it", "pause that", "hold on", "wait",
                           "hang on", "one moment"),
    "AMAZON.ResumeIntent": ("resume", "resume it", "unpause", "carry on",
                            "pick up where we left off"),
    # AMAZON.FallbackIntent has no stand-ins: it is what the resolver answers when nothing
    # matches. "Not sure" and "I don't know" are the model's own NotSureIntent samples.
    "AMAZON.NavigateHomeIntent": ("go home", "home", "home screen", "go to the home screen",
                                  "main menu"),
}
