-- Claims an expired stream lease: removes it only if its deadline (KEYS[1] member ARGV[1], scored in epoch ms)
-- is not later than ARGV[2], so a lease its owner renewed after the reaper looked is never taken. 1 when claimed.
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
