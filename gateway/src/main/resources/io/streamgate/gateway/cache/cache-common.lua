-- Shared by the answer cache's scripts (prepended to each). Time is Redis's own (TIME), so node clocks never matter.
-- KEYS[1] the index: a sorted set of every entry's exact key, scored by its deadline (ms). KEYS[2] the sizes: a hash
-- of exact key -> "<bytes>:<owner hash>", and the field "bytes", their sum. ARGV[1] the prefix of every cache key.
-- An entry's answer is the string <prefix>e:<exact key> (expiring by itself: PX), an owner's entries the sorted set
-- <prefix>o:<owner hash>. Every cache key carries one hash tag, so a script may name keys it computes: they are all in
-- the slot of the keys it was given.
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local index, sizes, prefix = KEYS[1], KEYS[2], ARGV[1]

-- Forgets one entry: its answer, its place in the index and in its owner's set, its bytes. 1 when its answer was
-- still there.
local function remove(exact)
  local existed = redis.call('DEL', prefix .. 'e:' .. exact)
  redis.call('ZREM', index, exact)
  local meta = redis.call('HGET', sizes, exact)
  if meta then
    redis.call('HDEL', sizes, exact)
    local size, owner = string.match(meta, '^(%d+):(%x+)$')
    if size then
      redis.call('HINCRBY', sizes, 'bytes', -tonumber(size))
      redis.call('ZREM', prefix .. 'o:' .. owner, exact)
    end
  end
  return existed
end

-- Forgets at most limit entries past their deadline (their answers are gone already).
local function drop_expired(limit)
  local gone = redis.call('ZRANGEBYSCORE', index, '-inf', now_ms, 'LIMIT', 0, limit)
  for _, exact in ipairs(gone) do
    remove(exact)
  end
  if redis.call('ZCARD', index) == 0 then
    redis.call('DEL', sizes) -- nothing indexed holds nothing, whatever a sum left behind says
  end
end

local function bytes_held()
  return tonumber(redis.call('HGET', sizes, 'bytes') or '0')
end
