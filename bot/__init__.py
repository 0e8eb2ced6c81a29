"""Platforms and wiring: settings, command line, chat adapters and the composition root."""
