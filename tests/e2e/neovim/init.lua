-- The test's user configuration: the documented Landguard set-up, pointed at the server under test.
-- Environment:
--   LANDGUARD_CLIENTS_DIR   clients/neovim
--   LANDGUARD_TEST_CMD      JSON list, the server command
--   LANDGUARD_TEST_SETTINGS JSON object: the Landguard settings to pass
--   LANDGUARD_NVIM_VARIANT  '0.11', '0.8' or '0.7': which documented file to load
--                           (default: the one for this Neovim's version)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

local clients_dir = assert(os.getenv('LANDGUARD_CLIENTS_DIR'), 'LANDGUARD_CLIENTS_DIR is not set')
local cmd = vim.fn.json_decode((assert(os.getenv('LANDGUARD_TEST_CMD'), 'LANDGUARD_TEST_CMD is not set')))
-- LANDGUARD_TEST_SETTINGS (JSON object) overrides the settings; tests never reach the internet.
local settings_json = os.getenv('LANDGUARD_TEST_SETTINGS')
local settings = { dependencies = { online = false } }
if settings_json and settings_json ~= '' then
  settings = vim.fn.json_decode(settings_json)
end

local variant = os.getenv('LANDGUARD_NVIM_VARIANT')
if not variant or variant == '' then
  variant = vim.fn.has('nvim-0.11') == 1 and '0.11' or vim.fn.has('nvim-0.8') == 1 and '0.8' or '0.7'
end

if variant == '0.11' then
  vim.g.landguard_variant = 'lsp/landguard.lua (0.11+)'
  -- lsp/landguard.lua and ftdetect/landguard.lua, as the README tells 0.11 users to install them.
  vim.opt.runtimepath:prepend(clients_dir)
  vim.lsp.config('landguard', { cmd = cmd, init_options = settings, settings = { landguard = settings } })
  vim.lsp.enable('landguard')
else
  vim.g.landguard_cmd = cmd
  vim.g.landguard_settings = settings
  if variant == '0.8' then
    vim.g.landguard_variant = 'landguard-0.8.lua (0.8-0.10)'
    dofile(clients_dir .. '/landguard-0.8.lua')
  else
    vim.g.landguard_variant = 'landguard-0.7.lua (0.7)'
    dofile(clients_dir .. '/landguard-0.7.lua')
  end
end
