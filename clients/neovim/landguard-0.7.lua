-- Landguard for Neovim 0.7: vim.lsp.start_client + vim.lsp.buf_attach_client on FileType.
--
-- Copy into init.lua, or save as ~/.config/nvim/lua/landguard_setup.lua and `require('landguard_setup')`.
-- Set vim.g.landguard_cmd = { '/path/to/landguard', 'lsp' } first to use a landguard that is not on PATH,
-- and vim.g.landguard_settings = { ignore = { 'LG6' } } to pass settings.

local cmd = vim.g.landguard_cmd or { 'landguard', 'lsp' }
local settings = vim.g.landguard_settings or vim.empty_dict()

local always = {
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'java', 'requirements',
  'toml', 'yaml', 'sh', 'dosini', 'cfg', 'jproperties', 'dockerfile', 'markdown',
  'vue', 'htmldjango', 'jinja',  -- Vue components; Django and Jinja templates
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

-- AI assistants' files Neovim gives no filetype: rules files are Markdown, ignore files gitignore syntax.
local ai_filetypes = {
  ['.cursorrules'] = 'markdown', ['.windsurfrules'] = 'markdown', ['.clinerules'] = 'markdown',
  ['.cursorignore'] = 'gitignore', ['.cursorindexingignore'] = 'gitignore', ['.aiexclude'] = 'gitignore',
  ['.codeiumignore'] = 'gitignore', ['.aiderignore'] = 'gitignore', ['.continueignore'] = 'gitignore',
  ['.geminiignore'] = 'gitignore',
}
vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
  group = vim.api.nvim_create_augroup('landguard_filetypes', { clear = true }),
  pattern = vim.list_extend(vim.tbl_keys(ai_filetypes), { '*.mdc' }),
  callback = function(args)
    vim.api.nvim_buf_set_option(args.buf, 'filetype', ai_filetypes[vim.fn.fnamemodify(args.file, ':t')] or 'markdown')
  end,
})

local root_markers = {
  'landguard.toml', 'pyproject.toml', 'package.json', 'requirements.txt', 'setup.cfg',
  'pom.xml', 'build.gradle', 'build.gradle.kts', '.git',
}

-- 0.7 has no vim.fs: walk up from the file's folder to the first folder holding a marker.
local function find_root(file)
  local folder = vim.fn.fnamemodify(file, ':p:h')
  while true do
    for _, marker in ipairs(root_markers) do
      if vim.loop.fs_stat(folder .. '/' .. marker) then
        return folder
      end
    end
    local parent = vim.fn.fnamemodify(folder, ':h')
    if parent == folder then
      return vim.fn.fnamemodify(file, ':p:h')
    end
    folder = parent
  end
end

-- One client per project root.
local clients = {}

local function attach(args)
  local file = vim.api.nvim_buf_get_name(args.buf)
  if file == '' or vim.api.nvim_buf_get_option(args.buf, 'buftype') ~= '' then
    return
  end
  local patterns = by_name[vim.api.nvim_buf_get_option(args.buf, 'filetype')]
  if patterns then
    local name = vim.fn.fnamemodify(file, ':t')
    local matched = false
    for _, pattern in ipairs(patterns) do
      matched = matched or name:match('^' .. pattern .. '$') ~= nil
    end
    if not matched then
      return
    end
  end
  local root = find_root(file)
  local id = clients[root]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client({
      name = 'landguard',
      cmd = cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = settings,
      settings = { landguard = settings },
    })
    if not id then
      vim.notify('landguard: could not start ' .. table.concat(cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(args.buf, id)
end

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('landguard', { clear = true }),
  pattern = vim.list_extend(vim.deepcopy(always), vim.tbl_keys(by_name)),
  callback = attach,
})
