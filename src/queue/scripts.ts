/** The Lua scripts the batch's workers share through Redis: leases, the budget, charges, runs told again. */

/** Extends the lease (KEYS[1]) to ARGV[2] ms if ARGV[1] still holds it; 0 when another holds it now. */
export const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Before a start is sent: if ARGV[1] still holds the lane (KEYS[1]), renews it to ARGV[2] ms and marks the
 * start (ARGV[3]) pending (KEYS[2]): 1. 0 when the lane is another's (or no one's): nothing may be sent.
 */
export const MARK_SENDING = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return 1`;

/** Gives the lease (KEYS[1]) up if ARGV[1] still holds it. */
export const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Reserves a run's expected cost against the budget: 1 when it fits (or is already reserved), 0 when not. */
export const RESERVE = `
local mine = redis.call('HGET', KEYS[2], ARGV[3])
if mine then return 1 end
local spent = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do spent = spent + tonumber(v) end
local reserved = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do reserved = reserved + tonumber(v) end
if spent + reserved + tonumber(ARGV[2]) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[2])
return 1`;

/**
 * A run's final charge, once per run of a job (ARGV[1]: the job id, then `#2`, `#3` for retried runs),
 * whichever worker sees its end (a resumed job may see it twice); the job's reservation (ARGV[4]) ends.
 */
export const SETTLE = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[4])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1`;

/**
 * Writes the job's data (KEYS[1], BullMQ's job hash, field `data`) only while this worker holds the job's
 * lock (KEYS[2] holds ARGV[2]): a worker that stalled and lost its job never writes over its new holder's.
 * 1 when written; 0 when the lock is another's; -1 when the job is gone (Redis lost it).
 */
export const WRITE_JOB = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1])
return 1`;

/**
 * Runs that workers still know, told again after Redis lost the batch (KEYS[1] resolved, KEYS[2] claimed):
 * ARGV holds item id, run id, attempt triples; an entry of a later attempt wins.
 */
export const TELL = `
for i = 1, #ARGV, 3 do
  local had = redis.call('HGET', KEYS[1], ARGV[i])
  local attempt = tonumber(ARGV[i + 2])
  local keep = true
  if had and string.sub(had, 1, 1) == '{' then
    local ok, v = pcall(cjson.decode, had)
    if ok and tonumber(v.attempt) and tonumber(v.attempt) >= attempt then keep = false end
  end
  if keep then redis.call('HSET', KEYS[1], ARGV[i], cjson.encode({ run = ARGV[i + 1], attempt = attempt })) end
  redis.call('SADD', KEYS[2], ARGV[i + 1])
end
return 1`;

/**
 * A file's record (KEYS[1] the batch's files hash, ARGV[1] the file's hash) with the fields of ARGV[2]
 * (JSON) written over it; a record with a URL is final and never changed again, whichever worker writes.
 */
export const PUT_FILE = `
local rec = {}
local had = redis.call('HGET', KEYS[1], ARGV[1])
if had then
  local ok, old = pcall(cjson.decode, had)
  if ok and type(old) == 'table' then rec = old end
end
if rec.url then return had end
for k, v in pairs(cjson.decode(ARGV[2])) do rec[k] = v end
local text = cjson.encode(rec)
redis.call('HSET', KEYS[1], ARGV[1], text)
return text`;
