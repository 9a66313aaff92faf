-- The compare-and-set of one key, the step a commit on a Redis Cluster is
-- made of (commit_cluster.go): one declared key, so the cluster runs it on
-- the master of that key's slot, atomically.
--
-- KEYS[1]: the key.
-- ARGV[1]: what it must hold: 'p' the bytes ARGV[2], 'm' nothing, 'u' a
--          value of the Redis type ARGV[2], '*' anything.
-- ARGV[3]: 's' set it to ARGV[4], 'd' delete it.
-- It answers 1 when the key held what was expected (and is now written),
-- else {kind, payload}: what it holds, 'p' and its bytes, 'm' and '', or
-- 'u' and its Redis type, and writes nothing.
local want = ARGV[1]
if want ~= '*' then
  local v = redis.pcall('GET', KEYS[1])
  local kind, payload
  if type(v) == 'table' then
    kind, payload = 'u', redis.call('TYPE', KEYS[1]).ok
  elseif v == false then
    kind, payload = 'm', ''
  else
    kind, payload = 'p', v
  end
  if kind ~= want or (kind ~= 'm' and payload ~= ARGV[2]) then
    return {kind, payload}
  end
end
if ARGV[3] == 's' then
  redis.call('SET', KEYS[1], ARGV[4])
else
  redis.call('DEL', KEYS[1])
end
return 1
