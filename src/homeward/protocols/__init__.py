"""The protocol engine: pure Python, no Django, nothing else of homeward (DESIGN.md "The one idea")."""
