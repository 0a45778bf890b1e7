-- Drives the real editor against the real server, writes what happened to a JSON file, and quits.
--   LANDGUARD_EXPECT     comma-separated rule codes that must be reported on the current buffer
--   LANDGUARD_FIX_CODES  comma-separated codes whose quick fix is requested and applied, in order
--   LANDGUARD_RESULT     where the JSON result goes
--   LANDGUARD_TIMEOUT    milliseconds to wait for each step (default 30000)
-- Works on Neovim 0.7 to 0.11: only APIs present in all of them (or feature-tested) are used.
local function list(name)
  return vim.split(os.getenv(name) or '', ',', { trimempty = true })
end

local expect = list('LANDGUARD_EXPECT')
local fix_codes = list('LANDGUARD_FIX_CODES')
local result_file = assert(os.getenv('LANDGUARD_RESULT'), 'LANDGUARD_RESULT is not set')
local timeout = tonumber(os.getenv('LANDGUARD_TIMEOUT') or '30000')
local bufnr = vim.api.nvim_get_current_buf()
local version = vim.version()
local result = {
  steps = {},
  fixes = {},
  variant = vim.g.landguard_variant,
  nvim = string.format('%d.%d.%d', version.major, version.minor, version.patch),
}

local started = vim.loop.hrtime()
local function step(name)
  table.insert(result.steps, string.format('%s (+%d ms)', name, (vim.loop.hrtime() - started) / 1e6))
end

-- Count the server's publishes (or pull answers) for this buffer, so "no diagnostics" means the server said so.
local publishes = 0
local publish_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, params, ...)
  if params and params.uri == vim.uri_from_bufnr(bufnr) then
    publishes = publishes + 1
  end
  return publish_handler(err, params, ...)
end
-- Neovim 0.10+ pulls diagnostics (textDocument/diagnostic) instead: a pull answer counts the same.
local pull_handler = vim.lsp.handlers['textDocument/diagnostic']
if pull_handler then
  vim.lsp.handlers['textDocument/diagnostic'] = function(err, res, ctx, ...)
    local uri = ctx and ctx.params and ctx.params.textDocument and ctx.params.textDocument.uri
    if res and uri == vim.uri_from_bufnr(bufnr) then
      publishes = publishes + 1
    end
    return pull_handler(err, res, ctx, ...)
  end
end

-- Keep what the server tells the user (a settings problem shows up here).
result.messages = {}
local show_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, params, ...)
  if params then
    table.insert(result.messages, { type = params.type, message = params.message })
  end
  return show_message(err, params, ...)
end

local function landguard_clients()
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  local found = {}
  for _, client in pairs(all) do
    if client.name == 'landguard' then
      table.insert(found, client)
    end
  end
  return found
end

local function landguard_diagnostics()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'landguard' then
      table.insert(found, d)
    end
  end
  return found
end

local function codes()
  local seen = {}
  for _, d in ipairs(landguard_diagnostics()) do
    seen[tostring(d.code)] = true
  end
  return seen
end

local function sorted_codes()
  local out = vim.tbl_keys(codes())
  table.sort(out)
  return out
end

local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

-- The LSP form of a vim.diagnostic, as the server published it (fix payload in `data` included).
local function to_lsp(d)
  local lsp = vim.deepcopy((d.user_data and d.user_data.lsp) or {})
  lsp.range = lsp.range or {
    start = { line = d.lnum, character = d.col },
    ['end'] = { line = d.end_lnum, character = d.end_col },
  }
  lsp.message = lsp.message or d.message
  lsp.source = lsp.source or d.source
  lsp.code = lsp.code or d.code
  lsp.severity = lsp.severity or d.severity
  return lsp
end

-- Requests the quick fixes for the diagnostic `code`, applies the preferred one, waits for the
-- server to publish again without that code.
local function apply_fix(client, code)
  local fix = { code = code }
  table.insert(result.fixes, fix)
  step('requesting code actions for ' .. code)
  local target
  for _, d in ipairs(landguard_diagnostics()) do
    if tostring(d.code) == code then
      target = d
      break
    end
  end
  assert(target, code .. ' is not reported')
  local lsp_diagnostic = to_lsp(target)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  local chosen
  fix.actions = {}
  for _, response in pairs(responses or {}) do
    assert(not response.err, 'codeAction error: ' .. vim.inspect(response.err))
    for _, action in ipairs(response.result or {}) do
      table.insert(fix.actions, action.title)
      local for_code = false
      for _, d in ipairs(action.diagnostics or {}) do
        for_code = for_code or tostring(d.code) == code
      end
      local quickfix = action.kind ~= nil and action.kind:match('^quickfix') ~= nil
      if for_code and quickfix and (chosen == nil or (action.isPreferred and not chosen.isPreferred)) then
        chosen = action
      end
    end
  end
  assert(chosen, 'no quick fix offered for ' .. code .. ': ' .. vim.inspect(fix.actions))
  fix.applied = chosen.title
  if not chosen.edit then
    step('resolving the code action')
    local resolved = client.request_sync('codeAction/resolve', chosen, timeout, bufnr)
    assert(resolved and not resolved.err and resolved.result, 'codeAction/resolve failed')
    chosen = resolved.result
  end
  assert(chosen.edit, 'the quick fix carries no edit')

  step('applying the edit for ' .. code)
  fix.before = buffer_text()
  local published_before = publishes
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or 'utf-16')
  fix.after = buffer_text()
  step('waiting for ' .. code .. ' to go')
  fix.gone = vim.wait(timeout, function()
    return publishes > published_before and not codes()[code]
  end, 50)
  fix.remaining = sorted_codes()
end

local function run()
  step('waiting for the client')
  assert(vim.wait(timeout, function() return #landguard_clients() > 0 end, 50), 'landguard never attached')
  local client = landguard_clients()[1]

  step('waiting for diagnostics')
  local arrived = vim.wait(timeout, function()
    if publishes == 0 then
      return false
    end
    local seen = codes()
    for _, code in ipairs(expect) do
      if not seen[code] then
        return false
      end
    end
    return true
  end, 50)
  result.publishes = publishes
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = d.code and tostring(d.code), source = d.source, message = d.message,
      lnum = d.lnum, col = d.col, severity = d.severity,
    })
  end
  assert(arrived, 'expected diagnostics did not all arrive: got ' .. vim.inspect(sorted_codes()))

  for _, code in ipairs(fix_codes) do
    apply_fix(client, code)
  end
end

local ok, err = xpcall(run, debug.traceback)
result.ok = ok
result.error = not ok and tostring(err) or nil

-- Stop the server: politely first, then for good, so a slow exit cannot stall the test.
local ids = {}
for _, client in ipairs(landguard_clients()) do
  table.insert(ids, client.id)
end
vim.lsp.stop_client(ids)
result.stopped_politely = vim.wait(1000, function()
  for _, id in ipairs(ids) do
    if not vim.lsp.client_is_stopped(id) then
      return false
    end
  end
  return true
end, 20)
if not result.stopped_politely then
  vim.lsp.stop_client(ids, true)
end
step('done')

local out = assert(io.open(result_file, 'w'))
out:write(vim.fn.json_encode(result))
out:close()
vim.cmd('qa!')
