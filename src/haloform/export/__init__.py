"""A live tenant written out as portable YAML, merged into existing files by guid."""
