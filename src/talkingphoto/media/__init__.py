"""media stage."""
