"""Names to ids and back, for one tenant: the tenant index, reference resolution, the
portable form of live records, and the dependency edges between resources."""
