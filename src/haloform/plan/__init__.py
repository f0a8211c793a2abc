"""Planning: the Plan value, the portable diff that fills it, and the order it runs in."""
