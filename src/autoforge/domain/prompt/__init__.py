"""The prompt context: the event-sourced aggregate, variables, placeholders and diffs."""
