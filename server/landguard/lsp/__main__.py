"""``python -m landguard.lsp``: the language server on stdio (what ``landguard lsp`` runs)."""

from landguard.lsp.server import serve

if __name__ == "__main__":
    serve()
