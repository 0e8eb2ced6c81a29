"""Tests of scheduled things and the outbox."""
