"""Leg Cramp Helper: an Alexa skill for a night-time leg cramp.

Rooms of the package:
- web host: `skill.app` (Flask app factory, webhook, errors), `skill.verification`,
  `skill.oscrypto_compat`;
- skill assembly: `skill.assembly` (SkillBuilder, no Flask), `skill.lambda_function`;
- handlers by feature: `skill.handlers.*`;
- pure domain modules, no SDK imports: `skill.domain.*`;
- the command line: `skill.cli` (`cramp-helper serve|simulate|check|package|bench`).
"""
