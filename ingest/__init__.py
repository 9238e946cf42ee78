"""ingest (owner fills in the public surface)."""
