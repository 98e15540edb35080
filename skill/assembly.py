"""Builds the skill once with ask-sdk-core's SkillBuilder: handlers, interceptors,
persistence. No Flask here, so the same skill object serves the web host and Lambda."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill import handlers
from skill.domain.content_cache import load_content_cached
from skill.serializer import SkillSerializer
from skill.settings import Settings

if TYPE_CHECKING:
    from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
    from ask_sdk_core.skill import CustomSkill


def build_skill(
    settings: Settings | None = None,
    persistence_adapter: "AbstractPersistenceAdapter | None" = None,
) -> "CustomSkill":
    """Assemble the leg-cramp skill. Content is loaded and validated here, at start-up
    (or read from its cache of already validated content when no byte of it or of its
    schema changed), so a broken content file stops the process before it serves anything."""
    settings = settings or Settings.from_env()
    if persistence_adapter is None:
        from skill.persistence import build_persistence_adapter

        persistence_adapter = build_persistence_adapter(settings)
    # The SDK's API client (with a timeout) gives handlers `service_client_factory`, the
    # SDK's clients for Alexa's timers, reminders and settings (skill.alexa_api).
    from skill.alexa_api import TimedApiClient

    api_client = TimedApiClient(verify=settings.alexa_api_ca or True)
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter, api_client=api_client)
    # The content was validated in full when its cache was written (see content_cache).
    handlers.register(builder, settings, load_content_cached(settings.content_dir))
    if settings.skill_id:
        builder.skill_id = settings.skill_id
    skill = builder.create()
    skill.serializer = SkillSerializer()  # unusable session attributes: start fresh
    return skill
