"""application llm."""
