-- Removes a batch of one owner's entries. KEYS: 1 the index, 2 the sizes, 3 the owner's set. ARGV: 1 the prefix,
-- 2 the most entries to remove. Returns {entries removed whose answer was still there, the owner's entries left}.
local batch = redis.call('ZRANGE', KEYS[3], 0, tonumber(ARGV[2]) - 1)
local removed = 0
for _, exact in ipairs(batch) do
  removed = removed + remove(exact)
  redis.call('ZREM', KEYS[3], exact) -- also when the sizes had lost track of it, so each batch makes progress
end
return {removed, redis.call('ZCARD', KEYS[3])}
