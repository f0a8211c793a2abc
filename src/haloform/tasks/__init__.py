"""One function per command: the impure steps (read the tenant, then plan; confirm,
then apply) around the pure core, taking plain values and returning values the command
line renders."""
