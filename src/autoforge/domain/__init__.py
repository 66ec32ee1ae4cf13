"""The pure model: entities, aggregates, events, errors and ports. Standard library only."""
