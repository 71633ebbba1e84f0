"""Performance figures, each printed as a ratio against a floor measured in the same run (DESIGN.md §12)."""
