"""The one live reader: a tenant's lists, the detail reads a plan needs, its lookups.

Every stage that reads a tenant (plan, export, diff, apply) goes through here, so that
one policy decides how many requests a run costs."""
