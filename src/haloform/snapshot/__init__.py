"""A tenant as read: the value a plan, an export or a comparison computes from.

Reading (``haloform.fetch``) fills it; everything above computes from it without a
request, so the planner is a pure function of a repo and a snapshot.
"""
