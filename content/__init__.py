"""The skill's wording, shipped inside the wheel as the `skill.content` package.

Only the data files here matter (read through `importlib.resources`); this file exists so
that the folder is a regular package wherever the skill is installed.
"""
