"""Comparing in the files' terms: a resource's field changes, one tenant against another."""
