"""``python -m landguard.lsp``: the language server on stdio (what ``landguard lsp`` runs)."""

if __name__ == "__main__":
    from landguard import startup

    startup.begin()  # the collector waits, the regex cache is in, before anything heavy is imported
    with startup.loading():
        from landguard.lsp import generated_code, lazy_types

        generated_code.install()  # before pygls' types are imported
        lazy_types.install()  # pygls' types created as they are first named
        from landguard.lsp.server import serve

    serve()
