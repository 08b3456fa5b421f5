"""Task-backend settings for tests that run the real worker in-process."""

# The real database task backend (settings_test uses the DummyBackend).
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
