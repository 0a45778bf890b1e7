"""``python -m landguard.lsp``: the language server on stdio (what ``landguard lsp`` runs)."""

if __name__ == "__main__":
    from landguard import startup

    startup.begin()  # the collector waits, the regex cache is in, before anything heavy is imported
    with startup.loading():
        from landguard.lsp import generated_code

        generated_code.install()  # before pygls' types are imported
        from landguard.lsp.server import serve

    serve()
