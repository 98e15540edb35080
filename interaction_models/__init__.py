"""The interaction model's sources, shipped inside the wheel as `skill.interaction_models`.

Only the data files here matter (read through `importlib.resources`); this file exists so
that the folder is a regular package wherever the skill is installed.
"""
