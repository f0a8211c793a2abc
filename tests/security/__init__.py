"""Security and robustness of the command line: secrets, read-only commands, bad
answers from a tenant, and the transport (TLS, refused and silent connections)."""
