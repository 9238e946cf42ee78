"""search_api (owner fills in the public surface)."""
