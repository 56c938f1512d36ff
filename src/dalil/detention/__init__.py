"""Detainee register (PRODUCT.md IN-6): the legal clock of arrest, registration and detention."""
