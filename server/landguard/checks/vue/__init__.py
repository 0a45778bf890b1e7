"""Vue single-file components: the template (their script blocks are checked by the JavaScript rules)."""
