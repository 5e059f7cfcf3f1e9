"""Adapters for integrators' frameworks (over the core facade, like the other channels)."""
