"""Views for core."""
