"""Use cases that call models: prompt runs and the record of every call."""
