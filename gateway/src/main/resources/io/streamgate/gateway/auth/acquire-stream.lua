-- Admits one stream for a tenant, or says why not, in one step.
-- KEYS: 1 the tenant's stream leases (sorted set: lease id -> expiry, ms), 2 its request bucket, 3 its token budget.
-- ARGV: 1 max streams, 2 requests per minute, 3 tokens per minute (0: none), 4 the new lease's id, 5 lease TTL (ms).
-- Returns {0, 0} admitted (the lease is held), {1, 0} no free stream slot, {2, us} no request token for us
-- microseconds, {3, us} the token budget is spent for us microseconds.
local max_streams = tonumber(ARGV[1])
local per_minute = tonumber(ARGV[2])
local tokens_per_minute = tonumber(ARGV[3])
local lease_ms = tonumber(ARGV[5])

-- Tokens are charged after a request has run, so a budget at or below 0 refuses new streams until it refills.
if tokens_per_minute > 0 then
  local left = level(KEYS[3], tokens_per_minute)
  if left <= 0 then
    return {3, math.max(1, math.ceil(-left * MINUTE / tokens_per_minute))}
  end
end

-- Leases whose node stopped renewing them have expired: their slots are free again.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if redis.call('ZCARD', KEYS[1]) >= max_streams then
  return {1, 0}
end

local wait = take_request(KEYS[2], per_minute)
if wait > 0 then
  return {2, wait}
end

redis.call('ZADD', KEYS[1], now_ms + lease_ms, ARGV[4])
redis.call('PEXPIRE', KEYS[1], lease_ms + 1000)
return {0, 0}
