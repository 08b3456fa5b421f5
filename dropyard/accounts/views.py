"""Views for accounts."""
