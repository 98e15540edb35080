"""`python -m skill.model`: regenerate interaction_models/en-US.json from model.toml + content."""
from skill.model.generate import write_committed_model

if __name__ == "__main__":
    print(f"wrote {write_committed_model()}")
