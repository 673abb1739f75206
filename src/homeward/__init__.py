"""Homeward: children missing from home or care."""
