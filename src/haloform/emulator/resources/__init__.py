"""The emulated API's resources, one module per family."""
