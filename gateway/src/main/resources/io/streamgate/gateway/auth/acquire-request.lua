-- Takes one request token of a tenant (a history read).
-- KEYS: 1 the tenant's request bucket. ARGV: 1 requests per minute.
-- Returns {0, 0} taken, {2, us} no token for us microseconds.
local wait = take_request(KEYS[1], tonumber(ARGV[1]))
if wait > 0 then
  return {2, wait}
end
return {0, 0}
