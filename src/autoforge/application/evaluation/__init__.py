"""application evaluation."""
