-- wrk: GET /s/<code>, the code drawn at random among the seeded posters' codes.
-- wrk -s bench/lua/landing.lua URL -- CODES_FILE   (one code a line)
local codes = {}
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then codes[#codes + 1] = line end
  end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  return wrk.format("GET", "/s/" .. codes[math.random(#codes)])
end
