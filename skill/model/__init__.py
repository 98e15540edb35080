"""The interaction model, the skill manifest and their checks, built from one source.

- source.py: model.toml, publishing.toml and the content slot values (muscles.toml)
- generate.py: interaction models for every English locale
- manifest.py: skill.json
- checks.py: pure checks returning lists of problems
- package.py: the ASK CLI skill-package layout, written and checked
"""
