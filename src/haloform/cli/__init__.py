"""The command line: parse options, call the core, render, map errors to exit codes."""
