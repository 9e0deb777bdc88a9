/**
 * Lua for the line. Every change runs as one script, so any number of servers and workers can
 * steer the line at once without a lost update. A common prelude holds the helpers.
 *
 * Every key a script touches arrives in KEYS (in the order of `lineScriptKeys`), all under the
 * line's hash tag, so the scripts run unchanged on Redis Cluster; no script builds a key name.
 * Users live as JSON records in one hash (`keys.users()`) because the scripts reach users they
 * only learn inside Lua (whoever is popped off the line, the driver of the active turn); that keeps
 * every change one atomic round trip instead of read-then-retry.
 *
 * ARGV[1] = now (ms), ARGV[2] = default turn seconds, ARGV[3] = default idle seconds, then each
 * script's own arguments from ARGV[4].
 */
import { keys } from '../redis-keys.js';

/** The KEYS every line script receives, in the order the prelude names them. */
export function lineScriptKeys(): string[] {
  return [keys.line(), keys.active(), keys.settings(), keys.users(), keys.lineVersion()];
}

const PRELUDE = `
local K_LINE = KEYS[1]
local K_ACTIVE = KEYS[2]
local K_SETTINGS = KEYS[3]
local K_USERS = KEYS[4]
local K_VERSION = KEYS[5]
local now = tonumber(ARGV[1])
local function get_user(id)
  local raw = redis.call('HGET', K_USERS, id)
  if raw then return cjson.decode(raw) end
  return nil
end
local function user_state(id)
  local u = get_user(id)
  return u and u.state
end
-- Sets fields of a user's record (creating it when absent); stamps updated_at unless told not to.
local function update_user(id, fields, keep_stamp)
  local u = get_user(id) or { id = id }
  for k, v in pairs(fields) do u[k] = v end
  if not keep_stamp then u.updated_at = now end
  redis.call('HSET', K_USERS, id, cjson.encode(u))
end
local function turn_ms()
  local v = redis.call('HGET', K_SETTINGS, 'turn_seconds')
  return (tonumber(v) or tonumber(ARGV[2])) * 1000
end
local function idle_ms()
  local v = redis.call('HGET', K_SETTINGS, 'idle_seconds')
  return (tonumber(v) or tonumber(ARGV[3])) * 1000
end
local function is_paused() return redis.call('HGET', K_SETTINGS, 'paused') == '1' end
local function bump() return redis.call('INCR', K_VERSION) end
local function set_out(id, reason) update_user(id, { state = 'out', reason = reason }) end
local function promote()
  if redis.call('EXISTS', K_ACTIVE) == 1 or is_paused() then return false end
  local id = redis.call('LPOP', K_LINE)
  while id do
    if user_state(id) == 'waiting' then
      redis.call('HSET', K_ACTIVE, 'user_id', id, 'started_at', now, 'ends_at', now + turn_ms(), 'last_playing_at', now)
      update_user(id, { state = 'active', reason = '' })
      return id
    end
    id = redis.call('LPOP', K_LINE)
  end
  return false
end
local function end_active(reason)
  local id = redis.call('HGET', K_ACTIVE, 'user_id')
  if not id then return false end
  redis.call('DEL', K_ACTIVE)
  set_out(id, reason)
  return id
end
-- Takes a user out of the line, wherever they are; answers 'active', 'waiting' or false.
local function take_out(id, reason)
  if redis.call('HGET', K_ACTIVE, 'user_id') == id then
    end_active(reason)
    return 'active'
  end
  if user_state(id) == 'waiting' then
    redis.call('LREM', K_LINE, 0, id)
    set_out(id, reason)
    return 'waiting'
  end
  return false
end
-- Stops the active turn's clock (PAUSE, HOLD), keeping what was left of the turn.
local function stop_clock()
  local ends = tonumber(redis.call('HGET', K_ACTIVE, 'ends_at'))
  if ends then
    redis.call('HSET', K_ACTIVE, 'remaining_ms', math.max(0, ends - now), 'ends_at', '')
  end
end
-- Runs a stopped clock again from what was left (RESUME, RELEASE); the idle clock restarts too.
local function start_clock()
  local remaining = tonumber(redis.call('HGET', K_ACTIVE, 'remaining_ms'))
  if remaining then
    redis.call('HSET', K_ACTIVE, 'ends_at', now + remaining, 'last_playing_at', now)
    redis.call('HDEL', K_ACTIVE, 'remaining_ms')
  end
end
`;

/**
 * ARGV[4] user id, ARGV[5] display name, ARGV[6] (optional) kind: 'spotify' or 'guest' (venue mode).
 * Answers 1 when the user was added.
 */
export const JOIN = `${PRELUDE}
local id, name = ARGV[4], ARGV[5]
if ARGV[6] and ARGV[6] ~= '' then update_user(id, { kind = ARGV[6] }, true) end
local state = user_state(id)
if state == 'waiting' or state == 'active' then
  update_user(id, { display_name = name }, true)
  return 0
end
update_user(id, { display_name = name, state = 'waiting', reason = '', joined_at = now })
redis.call('RPUSH', K_LINE, id)
promote()
bump()
return 1
`;

/** ARGV[4] user id, ARGV[5] reason. Answers 'active', 'waiting' or 0 when the user was not in line. */
export const TAKE_OUT = `${PRELUDE}
local where = take_out(ARGV[4], ARGV[5])
if not where then return 0 end
promote()
bump()
return where
`;

/** Ends the active turn (operator skip). Answers the user id or 0. */
export const SKIP = `${PRELUDE}
local id = end_active('turn_over')
if not id then return 0 end
promote()
bump()
return id
`;

/** ARGV[4] user id, ARGV[5] 1-based position among the waiting. Answers the new position, 0 if not waiting. */
export const MOVE = `${PRELUDE}
local id, pos = ARGV[4], tonumber(ARGV[5])
if user_state(id) ~= 'waiting' then return 0 end
if redis.call('LREM', K_LINE, 0, id) == 0 then return 0 end
local len = redis.call('LLEN', K_LINE)
if pos > len then
  redis.call('RPUSH', K_LINE, id)
  pos = len + 1
else
  if pos < 1 then pos = 1 end
  local pivot = redis.call('LINDEX', K_LINE, pos - 1)
  redis.call('LINSERT', K_LINE, 'BEFORE', pivot, id)
end
bump()
return pos
`;

/** Holds the rotation: the active turn's clock stops and nobody is promoted. */
export const PAUSE = `${PRELUDE}
if is_paused() then return 0 end
redis.call('HSET', K_SETTINGS, 'paused', '1')
stop_clock()
bump()
return 1
`;

export const RESUME = `${PRELUDE}
if not is_paused() then return 0 end
redis.call('HSET', K_SETTINGS, 'paused', '0')
-- A turn held by HOLD keeps its clock stopped until RELEASE, even when the rotation resumes.
if redis.call('HGET', K_ACTIVE, 'held') ~= '1' then start_clock() end
promote()
bump()
return 1
`;

/** ARGV[4] turn seconds, ARGV[5] idle seconds (empty keeps the current value). */
export const SETTINGS = `${PRELUDE}
if ARGV[4] ~= '' then redis.call('HSET', K_SETTINGS, 'turn_seconds', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', K_SETTINGS, 'idle_seconds', ARGV[5]) end
bump()
return 1
`;

/**
 * The rotation's clock, run by the poll worker. ARGV[4] the user the caller polled ('' for none),
 * ARGV[5] '1' when that user has something playing, '0' when not, '' when unknown.
 * Answers { ended user id or '', reason or '', promoted user id or '' }.
 */
export const TICK = `${PRELUDE}
local polled, playing = ARGV[4], ARGV[5]
local ended, reason = '', ''
local active = redis.call('HGET', K_ACTIVE, 'user_id')
if active and active == polled and playing == '1' then
  redis.call('HSET', K_ACTIVE, 'last_playing_at', now)
end
if active and not is_paused() and redis.call('HGET', K_ACTIVE, 'held') ~= '1' then
  local ends = tonumber(redis.call('HGET', K_ACTIVE, 'ends_at'))
  local last = tonumber(redis.call('HGET', K_ACTIVE, 'last_playing_at')) or now
  if ends and ends <= now then
    reason = 'turn_over'
  elseif now - last >= idle_ms() then
    reason = 'idle'
  end
  if reason ~= '' then ended = end_active(reason) end
end
local promoted = promote() or ''
if ended ~= '' or promoted ~= '' then bump() end
return { ended, reason, promoted }
`;

/**
 * Venue mode: stops the clock of one turn (ARGV[4] the user who must still be driving) while the
 * venue's player is not ready, so the guest loses no time to the venue's trouble. Unlike PAUSE it
 * leaves the rotation alone. Answers 1 when the clock was running and is now held.
 */
export const HOLD = `${PRELUDE}
if redis.call('HGET', K_ACTIVE, 'user_id') ~= ARGV[4] then return 0 end
if redis.call('HGET', K_ACTIVE, 'held') == '1' then return 0 end
redis.call('HSET', K_ACTIVE, 'held', '1')
stop_clock()
bump()
return 1
`;

/** Starts a held turn's clock again (ARGV[4] the driving user); the idle clock restarts too. */
export const RELEASE = `${PRELUDE}
if redis.call('HGET', K_ACTIVE, 'user_id') ~= ARGV[4] then return 0 end
if redis.call('HGET', K_ACTIVE, 'held') ~= '1' then return 0 end
redis.call('HDEL', K_ACTIVE, 'held')
if not is_paused() then start_clock() end
bump()
return 1
`;

/** One consistent read of the whole line, as JSON. */
export const SNAPSHOT = `${PRELUDE}
local ids = redis.call('LRANGE', K_LINE, 0, -1)
local waiting = {}
for i, id in ipairs(ids) do
  local u = get_user(id) or {}
  waiting[i] = { id = id, display_name = u.display_name or id, joined_at = tonumber(u.joined_at) }
end
local active = cjson.null
local a = redis.call('HMGET', K_ACTIVE, 'user_id', 'started_at', 'ends_at', 'remaining_ms', 'last_playing_at')
if a[1] then
  local driver = get_user(a[1]) or {}
  active = { user_id = a[1], display_name = driver.display_name or a[1],
    started_at = tonumber(a[2]), ends_at = tonumber(a[3]) or cjson.null,
    remaining_ms = tonumber(a[4]) or cjson.null, last_playing_at = tonumber(a[5]) or cjson.null }
end
return cjson.encode({ now = now, waiting = waiting, active = active, paused = is_paused(),
  turn_seconds = turn_ms() / 1000, idle_seconds = idle_ms() / 1000,
  version = tonumber(redis.call('GET', K_VERSION)) or 0 })
`;
