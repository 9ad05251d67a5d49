-- wrk: POST /api/staff/stores/<store>/claims {} as the bench's signed-in manager.
-- wrk -s bench/lua/claim.lua URL -- STAFF_FILE STORE
-- STAFF_FILE holds the session cookie on its first line and the CSRF token on its second.
local path, cookie, csrf

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do lines[#lines + 1] = line end
  cookie, csrf = lines[1], lines[2]
  path = "/api/staff/stores/" .. args[2] .. "/claims"
end

function request()
  return wrk.format("POST", path,
    { ["Content-Type"] = "application/json", ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf }, "{}")
end
