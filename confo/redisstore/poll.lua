-- The polling watcher's script; see poll.go. Every answer is a few digests
-- or a bounded number of them, whatever the size of the tree.
--   ARGV[1] prefix, ARGV[2] mode:
--   "tick" ARGV[3] namespace, ARGV[4] block, ARGV[5] blocks:
--          {structure digest, next namespace, next block, ns, block, digest, ...}
--   "lists": {ns, list digest, ...}, the registry under ""
--   "ns" ARGV[3] namespace: {cfg, digest, ...} for all its configs, sorted
--   "block" ARGV[3] namespace, ARGV[4] block: the same for one block
-- A block is blockSize consecutive configs of a namespace's sorted list;
-- its digest hashes the digests of its configs, so the watcher can compute
-- it from what "ns" returns.
local prefix, mode = ARGV[1], ARGV[2]
local blockSize = 500

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

local function list(ns) return names(raw(prefix .. ns), 'configurations') end

-- configs appends {cfg, digest} for list[from..to] to out.
local function configs(ns, cfgs, from, to, out)
  for j = from, math.min(to, #cfgs) do
    out[#out + 1] = cfgs[j]
    out[#out + 1] = digest(raw(prefix .. ns .. '-' .. cfgs[j]))
  end
  return out
end

local function blockDigest(ns, cfgs, b)
  local d = configs(ns, cfgs, (b - 1) * blockSize + 1, b * blockSize, {})
  local only = {}
  for k = 2, #d, 2 do only[#only + 1] = d[k] end
  return redis.sha1hex(table.concat(only))
end

if mode == 'ns' then
  local cfgs = list(ARGV[3])
  return configs(ARGV[3], cfgs, 1, #cfgs, {})
end
if mode == 'block' then
  local b = tonumber(ARGV[4])
  return configs(ARGV[3], list(ARGV[3]), (b - 1) * blockSize + 1, b * blockSize, {})
end

local regraw = raw(prefix .. 'confo')
local registry = names(regraw, 'namespaces')

if mode == 'lists' then
  local out = {'', digest(regraw)}
  for _, ns in ipairs(registry) do
    out[#out + 1] = ns
    out[#out + 1] = digest(raw(prefix .. ns))
  end
  return out
end

-- tick: the structure digest, then up to budget blocks from the cursor.
local parts = {regraw}
for _, ns in ipairs(registry) do
  parts[#parts + 1] = ns
  parts[#parts + 1] = raw(prefix .. ns)
end
local out = {redis.sha1hex(table.concat(parts, '\0')), '', '1'}
local cursor, block, budget = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local i = 1
while i <= #registry and registry[i] < cursor do i = i + 1 end
if i > #registry or registry[i] ~= cursor then block = 1 end
while i <= #registry do
  local cfgs = list(registry[i])
  local blocks = math.ceil(#cfgs / blockSize)
  while block <= blocks do
    if budget == 0 then
      out[2], out[3] = registry[i], tostring(block)
      return out
    end
    out[#out + 1] = registry[i]
    out[#out + 1] = tostring(block)
    out[#out + 1] = blockDigest(registry[i], cfgs, block)
    block, budget = block + 1, budget - 1
  end
  i, block = i + 1, 1
end
return out
