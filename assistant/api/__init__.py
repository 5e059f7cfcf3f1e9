"""The HTTP API (/v1): thin routes over the core facade."""
