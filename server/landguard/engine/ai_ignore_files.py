"""The AI assistants' ignore files: the files LG604 (``ai_context_exposure``) reads, so also the
files whose change the CLI's result cache and the language server's file watch must follow.
Kept out of checks/, so that neither the CLI nor the server imports a rule package to know them."""

from __future__ import annotations

# Ignore file -> the tool that reads it, in the order fixes list them.
IGNORE_FILES: dict[str, str] = {
    ".cursorignore": "Cursor",
    ".aiexclude": "Gemini Code Assist",
    ".codeiumignore": "Windsurf",
    ".aiderignore": "Aider",
    ".continueignore": "Continue",
    ".geminiignore": "Gemini CLI",
}
