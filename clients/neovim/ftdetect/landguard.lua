-- Filetypes for AI assistants' files Neovim does not recognise, so Landguard (lsp/landguard.lua) attaches:
-- rules files read as Markdown, the assistants' ignore files as gitignore syntax. Neovim 0.8+.
-- Copy to ~/.config/nvim/ftdetect/landguard.lua (Neovim sources every ftdetect/*.lua on the runtimepath).
vim.filetype.add({
  filename = {
    ['.cursorrules'] = 'markdown',
    ['.windsurfrules'] = 'markdown',
    ['.clinerules'] = 'markdown',
    ['.cursorignore'] = 'gitignore',
    ['.cursorindexingignore'] = 'gitignore',
    ['.aiexclude'] = 'gitignore',
    ['.codeiumignore'] = 'gitignore',
    ['.aiderignore'] = 'gitignore',
    ['.continueignore'] = 'gitignore',
    ['.geminiignore'] = 'gitignore',
  },
  extension = { mdc = 'markdown' },
})
