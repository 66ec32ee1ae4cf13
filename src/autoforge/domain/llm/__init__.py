"""Value objects and errors of the model gateway."""
