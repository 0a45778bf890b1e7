-- Landguard for Neovim 0.8 to 0.10: vim.lsp.start on FileType.
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

local function start(args)
  local file = vim.api.nvim_buf_get_name(args.buf)
  if file == '' or vim.bo[args.buf].buftype ~= '' then
    return
  end
  local patterns = by_name[vim.bo[args.buf].filetype]
  if patterns then
    local name = vim.fs.basename(file)
    local matched = false
    for _, pattern in ipairs(patterns) do
      matched = matched or name:match('^' .. pattern .. '$') ~= nil
    end
    if not matched then
      return
    end
  end
  local marker = vim.fs.find(root_markers, { upward = true, path = vim.fs.dirname(file) })[1]
  -- vim.lsp.start reuses the running client with the same name and root_dir.
  vim.lsp.start({
    name = 'landguard',
    cmd = cmd,
    root_dir = marker and vim.fs.dirname(marker) or vim.fs.dirname(file),
    init_options = settings,
    settings = { landguard = settings },
  }, { bufnr = args.buf })
end

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('landguard', { clear = true }),
  pattern = vim.list_extend(vim.deepcopy(always), vim.tbl_keys(by_name)),
  callback = start,
})
