"""domain llm."""
