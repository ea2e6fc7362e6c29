-- Charges the tokens a request used to its tenant's budget, which goes at most a minute's worth into debt.
-- KEYS: 1 the tenant's token budget. ARGV: 1 tokens per minute, 2 tokens used.
-- Returns the budget left, rounded down.
local per_minute = tonumber(ARGV[1])
local left = math.max(-per_minute, level(KEYS[1], per_minute) - tonumber(ARGV[2]))
store(KEYS[1], left, 121000)
return math.floor(left)
