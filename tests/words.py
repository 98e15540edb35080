"""The skill's interface words for assertions, read from content/prompts.toml (the one
place they live), under short names."""
from __future__ import annotations

from skill.domain.content import load_content
from skill.settings import PROJECT_ROOT

CONTENT = load_content(PROJECT_ROOT / "content")
PROMPTS = CONTENT.prompts

STEER = PROMPTS.general.steer
NO_QUESTION = PROMPTS.general.no_question
NO_PROBLEM = PROMPTS.general.no_problem
NOTHING_PAUSED = PROMPTS.general.nothing_paused
NOTHING_TO_REPEAT = PROMPTS.general.nothing_to_repeat
PAUSED = PROMPTS.general.paused
FALLBACK_EMERGENCY = PROMPTS.general.fallback_emergency
TROUBLE = PROMPTS.general.trouble
AGAIN_PROMPT = PROMPTS.countdown.again_prompt
COUNT_PROMPT = PROMPTS.relief.count_prompt
NEXT_PROMPT = PROMPTS.relief.next_prompt
FIRST_STEP_LEAD = PROMPTS.relief.first_step_lead
UNKNOWN_MUSCLE_LEAD = PROMPTS.relief.unknown_muscle_lead
FORGET_PROMPT = PROMPTS.settings.forget_prompt
ANSWER_LEAD = PROMPTS.check.answer_lead
COUNTDOWN_WORDS = PROMPTS.countdown
HALFWAY = COUNTDOWN_WORDS.halfway
TEN_LEFT = COUNTDOWN_WORDS.ten_left
LAST_FIVE = COUNTDOWN_WORDS.last_five
RELEASE = COUNTDOWN_WORDS.release
