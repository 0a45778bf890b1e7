"""Landguard: a security language server and CLI."""

__version__ = "0.1.0"
