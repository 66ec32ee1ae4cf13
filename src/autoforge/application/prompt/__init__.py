"""application prompt."""
