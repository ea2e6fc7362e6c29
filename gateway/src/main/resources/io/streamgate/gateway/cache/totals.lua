-- Forgets a batch of expired entries, then says what the cache holds. KEYS: 1 the index, 2 the sizes. ARGV: 1 the
-- prefix, 2 the most expired entries to forget. Returns {entries, bytes}.
drop_expired(tonumber(ARGV[2]))
return {redis.call('ZCARD', index), bytes_held()}
