-- The compare-and-set script of a namespace commit on one server; see
-- commit_single.go. Redis runs it atomically: it checks every key first and
-- writes only when all hold what the caller read.
--
-- KEYS: the guarded keys (the namespace's list, the lists of other
-- namespaces checked for key collisions, the registry), then the config
-- keys.
-- ARGV[1]: the number of guarded keys.
-- ARGV[2]: two letters per key. The check: 'p' present with these bytes,
--   'm' missing, 'u' of this other Redis type, '*' none. The write: 's' set,
--   'd' delete, '-' none.
-- ARGV[2i+1], ARGV[2i+2]: key i's expected bytes (or type) and new value.
--
-- It answers {'ok'} when it wrote; {'retry'} when a guarded key changed
-- since the caller read it (nothing is written; the caller reads again and
-- retries); else {'conflict', i, kind, payload, ...} per config key that
-- does not hold what was expected: its index among all KEYS, what it holds
-- ('p', 'm', 'u') and its bytes or type.
local guarded = tonumber(ARGV[1])
local ops = ARGV[2]
local chunk = 1000

local function state(key, value)
  -- GET and MGET answer nil both for a missing key and for one of another
  -- type (MGET), or fail (GET): TYPE tells them apart.
  if value then
    return 'p', value
  end
  local typ = redis.call('TYPE', key).ok
  if typ == 'none' then
    return 'm', ''
  end
  return 'u', typ
end

local function holds(i, kind, payload)
  local check = string.sub(ops, 2 * i - 1, 2 * i - 1)
  return check == '*' or (kind == check and (kind == 'm' or payload == ARGV[2 * i + 1]))
end

for i = 1, guarded do
  local ok, value = pcall(redis.call, 'GET', KEYS[i])
  if not ok then
    value = false
  end
  local kind, payload = state(KEYS[i], value)
  if not holds(i, kind, payload) then
    return {'retry'}
  end
end

local bad = {'conflict'}
for first = guarded + 1, #KEYS, chunk do
  local last = math.min(first + chunk - 1, #KEYS)
  local vals = redis.call('MGET', unpack(KEYS, first, last))
  for i = first, last do
    if string.sub(ops, 2 * i - 1, 2 * i - 1) ~= '*' then
      local kind, payload = state(KEYS[i], vals[i - first + 1])
      if not holds(i, kind, payload) then
        bad[#bad + 1] = i
        bad[#bad + 1] = kind
        bad[#bad + 1] = payload
      end
    end
  end
end
if #bad > 1 then
  return bad
end

-- Configs first, then the lists, the registry last.
local function write(from, to)
  local sets, nsets, dels, ndels = {}, 0, {}, 0
  for i = from, to do
    local op = string.sub(ops, 2 * i, 2 * i)
    if op == 's' then
      sets[nsets + 1] = KEYS[i]
      sets[nsets + 2] = ARGV[2 * i + 2]
      nsets = nsets + 2
    elseif op == 'd' then
      ndels = ndels + 1
      dels[ndels] = KEYS[i]
    end
    if nsets >= 2 * chunk or ndels >= chunk or i == to then
      if nsets > 0 then
        redis.call('MSET', unpack(sets, 1, nsets))
        sets, nsets = {}, 0
      end
      if ndels > 0 then
        redis.call('DEL', unpack(dels, 1, ndels))
        dels, ndels = {}, 0
      end
    end
  end
end
write(guarded + 1, #KEYS)
write(1, guarded)
return {'ok'}
