"""Use cases: the one Python API that the CLI and the web both call."""
