"""Rule analysis, offline on the loaded repo: lint (judgement), simulation (which rules
a ticket hits) and the repo's own rule and workflow tests.

Sits above load/ and kinds/, below cli/; never imports plan, apply, render or fetch:
nothing here needs a tenant, and lookups compare by name.
"""
