"""Views for sourcing."""
