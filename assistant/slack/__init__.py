"""Slack bot (slack-bolt adapter over the core services)."""
