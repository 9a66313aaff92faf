-- The polling watcher's script; see poll.go. Every answer is a few digests
-- or a bounded chunk, whatever the size of the tree.
--   ARGV[1] prefix, ARGV[2] mode:
--   "tick" ARGV[3] namespace, ARGV[4] offset, ARGV[5] budget:
--          {structure digest, next namespace, next offset, ns, cfg, digest, ...}
--   "lists": {ns, list digest, ...}, the registry under ""
--   "ns" ARGV[3] namespace: {ns, cfg, digest, ...} for all its configs
local prefix, mode = ARGV[1], ARGV[2]

local function raw(key)
  local v = redis.pcall('GET', key)
  if type(v) == 'table' then return '\2wrong type' end
  if v == false then return '\3missing' end
  return v
end

local function digest(s) return string.sub(redis.sha1hex(s), 1, 12) end

-- names decodes {"<field>": ["a", ...]}, sorted; empty when it is not that.
local function names(s, field)
  local ok, doc = pcall(cjson.decode, s)
  local out = {}
  if ok and type(doc) == 'table' and type(doc[field]) == 'table' then
    for _, n in ipairs(doc[field]) do
      if type(n) == 'string' then out[#out + 1] = n end
    end
  end
  table.sort(out)
  return out
end

local regraw = raw(prefix .. 'confo')
local registry = names(regraw, 'namespaces')

local function configs(ns, from, budget, out)
  local list = names(raw(prefix .. ns), 'configurations')
  local j = from
  while j <= #list and budget > 0 do
    out[#out + 1] = ns
    out[#out + 1] = list[j]
    out[#out + 1] = digest(raw(prefix .. ns .. '-' .. list[j]))
    j = j + 1
    budget = budget - 1
  end
  return j, #list, budget
end

if mode == 'lists' then
  local out = {'', digest(regraw)}
  for _, ns in ipairs(registry) do
    out[#out + 1] = ns
    out[#out + 1] = digest(raw(prefix .. ns))
  end
  return out
end

if mode == 'ns' then
  local out = {}
  configs(ARGV[3], 1, 1e12, out)
  return out
end

-- tick: the structure digest, then up to budget configs from the cursor.
local parts = {regraw}
for _, ns in ipairs(registry) do
  parts[#parts + 1] = ns
  parts[#parts + 1] = raw(prefix .. ns)
end
local out = {redis.sha1hex(table.concat(parts, '\0')), '', '1'}
local cursor, offset, budget = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local i = 1
while i <= #registry and registry[i] < cursor do i = i + 1 end
if i > #registry or registry[i] ~= cursor then offset = 1 end
while i <= #registry and budget > 0 do
  local next, size
  next, size, budget = configs(registry[i], offset, budget, out)
  if next <= size then
    out[2], out[3] = registry[i], tostring(next)
    return out
  end
  i, offset = i + 1, 1
end
if i <= #registry then out[2], out[3] = registry[i], '1' end
return out
