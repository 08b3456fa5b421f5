"""The built-in Sandbox store: a small shop platform living inside Dropyard.

It plays an external platform: its own data (``models``), its own services (``shop``), a JSON
API (``api``) that Dropyard's ``SandboxStoreAdapter`` calls over HTTP with the store's access
token, a public storefront (``storefront``) where shoppers buy, and signed order webhooks
(``tasks``) sent to Dropyard's receiver. Nothing here imports Dropyard's store models: the only
link is the webhook URL and the credentials, exactly as with a real platform.
"""
