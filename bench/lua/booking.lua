-- wrk: POST /api/stores/<store>/basket/slot {"slotId": N} for pre-made baskets.
-- wrk -s bench/lua/booking.lua URL -- TOKENS_FILE SLOTS_FILE STORE THREADS
-- Each wrk thread takes its own share of the baskets and goes round them in
-- turn, so a basket is never in two requests at once (with fewer connections
-- per thread than baskets per thread); the slot is drawn at random among a few.
-- Each hold replaces the basket's previous one, so capacity is reused.
local threads = 0
local mine, slots = {}, {}
local next_basket = 1
local path

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local function lines(file)
  local out = {}
  for line in io.lines(file) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

function init(args)
  local tokens = lines(args[1])
  slots = lines(args[2])
  path = "/api/stores/" .. args[3] .. "/basket/slot"
  local share = tonumber(args[4])
  for i, token in ipairs(tokens) do
    if (i - 1) % share == id then mine[#mine + 1] = token end
  end
  math.randomseed(os.time() * 1000 + id)
end

function request()
  local token = mine[next_basket]
  next_basket = next_basket % #mine + 1
  local slot = slots[math.random(#slots)]
  return wrk.format("POST", path,
    { ["Content-Type"] = "application/json", ["X-Basket-Token"] = token },
    '{"slotId": ' .. slot .. '}')
end
