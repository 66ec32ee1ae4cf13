"""application template."""
