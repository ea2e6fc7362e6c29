-- Stores one answer and keeps every node's entries together within the bound, in one step.
-- KEYS: 1 the index, 2 the sizes, 3 the entry, 4 its owner's set. ARGV: 1 the prefix, 2 the exact key, 3 the owner's
-- hash, 4 the answer, 5 the TTL (ms), 6 the bound (bytes), 7 the most entries this call may drop or evict.
-- Returns {1 stored or 0 not (it does not fit even after this call's evictions), entries, bytes}.
local exact, owner, value = ARGV[2], ARGV[3], ARGV[4]
local ttl, bound, work = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
-- What the entry costs Redis: the answer, and about what its key, index members and sizes field take.
local size = string.len(value) + 256

drop_expired(work)
remove(exact) -- a new answer to the same question replaces the old one
local total = bytes_held()
local evicted = 0
-- Oldest first: with one TTL, the earliest deadline is the oldest entry.
while size <= bound and total + size > bound and evicted < work do
  local oldest = redis.call('ZRANGE', index, 0, 0)
  if #oldest == 0 then
    break
  end
  remove(oldest[1])
  evicted = evicted + 1
  total = bytes_held()
end
if total + size > bound then
  return {0, redis.call('ZCARD', index), total}
end

local deadline = now_ms + ttl
redis.call('SET', KEYS[3], value, 'PX', ttl)
redis.call('ZADD', index, deadline, exact)
redis.call('ZADD', KEYS[4], deadline, exact)
redis.call('HSET', sizes, exact, string.format('%d:%s', size, owner))
redis.call('HINCRBY', sizes, 'bytes', size)
-- The index keys live as long as their newest entry, so a cache nobody writes to any more goes away by itself.
for _, key in ipairs({index, sizes, KEYS[4]}) do
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end
return {1, redis.call('ZCARD', index), total + size}
