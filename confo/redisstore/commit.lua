-- The compare-and-set script of a namespace commit on one server; see
-- commit_single.go. Redis runs it atomically: it checks every key first and
-- writes only when all hold what the caller read or loaded.
--
-- KEYS, in four groups: g guarded keys (the namespace's list, the lists of
-- other namespaces checked for key collisions, the registry); o configs of
-- any kind; p configs expected to hold given bytes and to be set; m configs
-- expected to be missing and to be set. The last two are the bulk of a
-- large commit and take a faster path.
-- ARGV[1..4]: g, o, p, m.
-- ARGV[5]: two letters per guarded key and per config of the second group.
--   The check: 'p' present with these bytes, 'm' missing, 'u' of this
--   other Redis type, '*' none. The write: 's' set, 'd' delete, '-' none.
-- Then per key of those groups: its expected bytes (or type), its new value.
-- Then the p expected values; then the new values of the p and the m
-- configs.
--
-- It answers {'ok'} when it wrote; {'retry'} when a guarded key changed
-- since the caller read it (nothing is written; the caller reads again);
-- else {'conflict', i, kind, payload, ...} per config that does not hold
-- what was expected: its index in KEYS, what it holds ('p', 'm', 'u') and
-- its bytes or type.
local g, o, p, m = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ops = ARGV[5]
local base = 5 + 2 * (g + o) -- ARGV[base + j]: expected value of p config j
local chunk = 1000

-- What key holds, given what GET or MGET answered (nil for a missing key
-- and for one of another type).
local function state(key, value)
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
  return check == '*' or (kind == check and (kind == 'm' or payload == ARGV[5 + 2 * i - 1]))
end

for i = 1, g do
  local ok, value = pcall(redis.call, 'GET', KEYS[i])
  if not ok then
    value = false
  end
  if not holds(i, state(KEYS[i], value)) then
    return {'retry'}
  end
end

local bad = {'conflict'}
local function conflict(i, value)
  local kind, payload = state(KEYS[i], value)
  bad[#bad + 1] = i
  bad[#bad + 1] = kind
  bad[#bad + 1] = payload
end

for first = g + 1, g + o, chunk do
  local last = math.min(first + chunk - 1, g + o)
  local vals = redis.call('MGET', unpack(KEYS, first, last))
  for i = first, last do
    local value = vals[i - first + 1]
    if string.sub(ops, 2 * i - 1, 2 * i - 1) ~= '*' then
      local kind, payload = state(KEYS[i], value)
      if not holds(i, kind, payload) then
        conflict(i, value)
      end
    end
  end
end

local off = g + o
for first = 1, p, chunk do
  local last = math.min(first + chunk - 1, p)
  local vals = redis.call('MGET', unpack(KEYS, off + first, off + last))
  for j = first, last do
    local value = vals[j - first + 1]
    if value ~= ARGV[base + j] then
      conflict(off + j, value)
    end
  end
end

off = g + o + p
for first = 1, m, chunk do
  local last = math.min(first + chunk - 1, m)
  if redis.call('EXISTS', unpack(KEYS, off + first, off + last)) > 0 then
    for j = first, last do
      local key = KEYS[off + j]
      local typ = redis.call('TYPE', key).ok
      if typ == 'string' then
        conflict(off + j, redis.call('GET', key))
      elseif typ ~= 'none' then
        conflict(off + j, false)
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
      sets[nsets + 2] = ARGV[5 + 2 * i]
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

write(g + 1, g + o)
local values = base + p -- ARGV[values + j]: new value of bulk config j
local keys0 = g + o      -- KEYS[keys0 + j]: its key
for first = 1, p + m, chunk do
  local last = math.min(first + chunk - 1, p + m)
  local kv, n = {}, 0
  for j = first, last do
    kv[n + 1] = KEYS[keys0 + j]
    kv[n + 2] = ARGV[values + j]
    n = n + 2
  end
  redis.call('MSET', unpack(kv, 1, n))
end
write(1, g)
return {'ok'}
