"""URL patterns (included by urls.py / urls_ops.py)."""

urlpatterns: list = []
