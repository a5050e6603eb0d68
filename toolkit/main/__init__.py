"""The home page, the dashboard of places a person works in, and the language switcher."""
