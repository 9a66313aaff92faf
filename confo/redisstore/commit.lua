-- The compare-and-set script of a namespace commit; see commit.go.
local ops = ARGV[1]
local chunk = 1000
local bad = {}
for first = 1, #KEYS, chunk do
  local last = math.min(first + chunk - 1, #KEYS)
  local vals = redis.call('MGET', unpack(KEYS, first, last))
  for i = first, last do
    local check = string.sub(ops, 2 * i - 1, 2 * i - 1)
    if check ~= '*' and check ~= '-' then
      local v = vals[i - first + 1]
      local kind, payload = 'p', v
      if v == false then
        -- MGET answers nil for a missing key and for one of another type.
        payload = redis.call('TYPE', KEYS[i]).ok
        kind = 'u'
        if payload == 'none' then
          kind, payload = 'm', ''
        end
      end
      if kind ~= check or (kind ~= 'm' and payload ~= ARGV[2 * i]) then
        bad[#bad + 1] = i
        bad[#bad + 1] = kind
        bad[#bad + 1] = payload
      end
    end
  end
end
if #bad > 0 then
  return bad
end
local sets, dels = {}, {}
for i = 1, #KEYS do
  if string.sub(ops, 2 * i, 2 * i) == 'd' then
    dels[#dels + 1] = KEYS[i]
  else
    sets[#sets + 1] = KEYS[i]
    sets[#sets + 1] = ARGV[2 * i + 1]
  end
  if #sets >= 2 * chunk or #dels >= chunk or i == #KEYS then
    if #sets > 0 then
      redis.call('MSET', unpack(sets))
      sets = {}
    end
    if #dels > 0 then
      redis.call('DEL', unpack(dels))
      dels = {}
    end
  end
end
return bad
