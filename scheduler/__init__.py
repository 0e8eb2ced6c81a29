"""Time: scheduled messages and their delivery."""
