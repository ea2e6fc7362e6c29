-- Renews a node's live stream leases of one tenant, and puts back those Redis lost (a restart): the streams run.
-- KEYS: 1 the tenant's stream leases. ARGV: 1 lease TTL (ms), 2.. the lease ids.
-- Returns how many were renewed.
local lease_ms = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now_ms + lease_ms, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease_ms + 1000)
return #ARGV - 1
