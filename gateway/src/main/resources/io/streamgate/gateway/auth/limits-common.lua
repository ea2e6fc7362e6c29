-- Shared by the tenant-limit scripts (prepended to each). Time is Redis's own (TIME), in microseconds, so the
-- nodes' clocks never matter. A bucket is a hash {level, at}: its level refills at per_minute a minute, up to a
-- minute's worth, continuously; a missing bucket is full.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now / 1000)
local MINUTE = 60000000

local function level(key, per_minute)
  local v = redis.call('HMGET', key, 'level', 'at')
  local lvl, at = tonumber(v[1]), tonumber(v[2])
  if lvl == nil or at == nil then
    return per_minute
  end
  return math.min(per_minute, lvl + math.max(0, now - at) * per_minute / MINUTE)
end

-- Stores a bucket's level, now. It expires once it would be full anyway (from floor, at per_minute a minute).
local function store(key, lvl, ttl_ms)
  redis.call('HSET', key, 'level', string.format('%.17g', lvl), 'at', string.format('%.0f', now))
  redis.call('PEXPIRE', key, ttl_ms)
end

-- Takes one request token. Returns 0, or the microseconds until a token will be there.
local function take_request(key, per_minute)
  local tokens = level(key, per_minute)
  if tokens < 1 then
    return math.max(1, math.ceil((1 - tokens) * MINUTE / per_minute))
  end
  store(key, tokens - 1, 61000)
  return 0
end

