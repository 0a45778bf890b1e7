"""Language adapters: the only code that knows tree-sitter node names (one module per language)."""
