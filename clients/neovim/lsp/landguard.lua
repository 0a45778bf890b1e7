-- Landguard for Neovim 0.11+: native LSP configuration.
--
-- Put this file on the runtimepath as lsp/landguard.lua (e.g. ~/.config/nvim/lsp/landguard.lua),
-- then in init.lua:
--
--   vim.lsp.enable('landguard')
--
-- Override anything with vim.lsp.config before or after enabling, e.g.
--
--   vim.lsp.config('landguard', {
--     cmd = { '/path/to/.venv/bin/landguard', 'lsp' },
--     init_options = { ignore = { 'LG6' }, dependencies = { online = false } },
--   })
--
-- AI assistants' rules and ignore files (.cursorrules, *.mdc, .cursorignore ...) have no filetype in
-- Neovim: put ../ftdetect/landguard.lua on the runtimepath too (e.g. ~/.config/nvim/ftdetect/).

-- Filetypes whose every buffer is checked.
local always = {
  python = true, javascript = true, javascriptreact = true, typescript = true, typescriptreact = true,
  java = true, requirements = true, toml = true, yaml = true, sh = true, dosini = true,
  jproperties = true, cfg = true, dockerfile = true, markdown = true,
  -- Vue components; Django and Jinja templates (Neovim's htmldjango and jinja filetypes).
  vue = true, htmldjango = true, jinja = true,
}

-- Filetypes checked only for the files that matter to Landguard.
local mcp_configs = { 'package.json', 'mcp%.json', '%.mcp%.json', 'mcp_config%.json', 'claude_desktop_config%.json' }
local by_name = {
  json = mcp_configs,
  jsonc = mcp_configs,
  text = { 'requirements.*%.txt' },
  conf = { '%.env', '%.env%..*' },
  gitignore = {
    '%.cursorignore', '%.cursorindexingignore', '%.aiexclude', '%.codeiumignore', '%.aiderignore',
    '%.continueignore', '%.geminiignore',
  },
}

local function wanted(bufnr)
  local ft = vim.bo[bufnr].filetype
  if always[ft] then
    return true
  end
  local name = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr))
  for _, pattern in ipairs(by_name[ft] or {}) do
    if name:match('^' .. pattern .. '$') then
      return true
    end
  end
  return false
end

local root_markers = {
  'landguard.toml', 'pyproject.toml', 'package.json', 'requirements.txt', 'setup.cfg',
  'pom.xml', 'build.gradle', 'build.gradle.kts', '.git',
}

---@type vim.lsp.Config
return {
  cmd = { 'landguard', 'lsp' },
  filetypes = vim.list_extend(vim.tbl_keys(always), vim.tbl_keys(by_name)),
  -- Called per buffer: attach only to the files above, rooted at the project (or the file's folder).
  root_dir = function(bufnr, on_dir)
    if not wanted(bufnr) then
      return
    end
    local file = vim.api.nvim_buf_get_name(bufnr)
    on_dir(vim.fs.root(bufnr, root_markers) or vim.fs.dirname(file))
  end,
  -- Landguard settings (same keys as VS Code's landguard.*): select, ignore, severity, exclude,
  -- aiMarkers, dependencies = { online, pypiUrl, npmUrl, osvUrl }. Leave empty to use the project
  -- file (landguard.toml or [tool.landguard] in pyproject.toml).
  -- vim.empty_dict(): sent as {} (a plain {} would be sent as a JSON list).
  init_options = vim.empty_dict(),
  settings = { landguard = vim.empty_dict() },
}
