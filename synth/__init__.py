"""synth (owner fills in the public surface)."""
