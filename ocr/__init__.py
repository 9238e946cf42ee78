"""ocr (owner fills in the public surface)."""
