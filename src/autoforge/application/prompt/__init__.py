"""Use cases of prompts: commands, their handlers, reads, rendering and imports."""
