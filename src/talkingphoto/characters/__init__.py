"""characters stage."""
