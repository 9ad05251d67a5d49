-- wrk: POST /api/stores/<store>/basket/checkout, a new order per request.
-- wrk -s bench/lua/submit.lua URL -- BASKETS_FILE STORE THREADS
-- BASKETS_FILE has one line per basket ready for checkout (5 lines and a live hold,
-- made by bench/bench.py): its token and a fresh idempotency key, separated by a space.
-- Each wrk thread takes its own share and submits each basket once, in turn; a thread
-- whose share runs out stops and says so at the end ("submit: exhausted"), for then the
-- run no longer measured submits only.
local threads = {}
local mine = {}
local next_basket = 1
exhausted = 0
left = 0
local path
local body = '{"name": "Bench", "phone": "0612345678", "email": "bench@creneau.test"}'

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  path = "/api/stores/" .. args[2] .. "/basket/checkout"
  local share = tonumber(args[3])
  local i = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if i % share == id then
        local token, key = line:match("^(%S+) (%S+)$")
        mine[#mine + 1] = { token, key }
      end
      i = i + 1
    end
  end
  left = #mine
end

function request()
  local basket = mine[next_basket]
  if basket == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  next_basket = next_basket + 1
  left = #mine - next_basket + 1
  return wrk.format("POST", path,
    { ["Content-Type"] = "application/json", ["X-Basket-Token"] = basket[1], ["Idempotency-Key"] = basket[2] },
    body)
end

function done(summary, latency, requests)
  local stopped, remaining = 0, 0
  for _, thread in ipairs(threads) do
    stopped = stopped + thread:get("exhausted")
    remaining = remaining + thread:get("left")
  end
  io.write(string.format("submit: baskets left %d, exhausted threads %d\n", remaining, stopped))
end
