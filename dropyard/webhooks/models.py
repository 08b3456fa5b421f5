"""Outbound webhooks: endpoints per merchant and topic, messages, delivery attempts."""
