"""What every stage shares and owns nothing of the flow: ids, paths, canonical JSON."""
