package dev.simplepush.store.redis;

/**
 * The Lua scripts of {@link RedisDeviceStore}. Redis runs a script atomically, so each one is a port method's
 * whole read-check-write on one device; nothing else runs in between, on any node. Every script gets the device's
 * two hashes, KEYS[1] the device and KEYS[2] its queued messages (layout in {@link Keys}), which share the
 * device's hash tag. ARGV[1] is always the device TTL in milliseconds: every write that keeps the device alive
 * refreshes it on both keys together, so a device with a pending update or a queued message younger than the TTL
 * never expires, and its messages never outlive it nor die before it.
 */
final class DeviceScripts {

    /**
     * Versions are decimal strings of 0..2^63-1 without leading zeros (Java's Long.toString). Lua numbers are
     * doubles, exact only up to 2^53, so the scripts never call tonumber on a version: a longer string is the
     * larger number, and strings of equal length compare as text (digits sort the same in every locale).
     * This is Version.isNewerThan, strictly greater: keep the two identical.
     */
    private static final String NEWER = """
            local function newer(a, b)
              if #a ~= #b then return #a > #b end
              return a > b
            end
            """;

    /** Sets both keys' TTL to ARGV[1]; a key that does not exist stays absent. */
    private static final String REFRESH = """
            local function refresh()
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              redis.call('PEXPIRE', KEYS[2], ARGV[1])
            end
            """;

    /**
     * The bookkeeping of the message hash. Instants are (seconds, nanos) pairs of integers, which doubles hold
     * exactly for any date within some 285 million years of 1970, so tonumber is safe on them (unlike versions).
     * A message is expired at {@code now} unless now is before its expiry (WebPushMessage.expiredAt).
     */
    private static final String QUEUE = REFRESH + """
            local function before(s1, n1, s2, n2)
              return s1 < s2 or (s1 == s2 and n1 < n2)
            end

            -- a message's expiry as numbers, then as the texts it was stored as; and its topic token ('' or '+<topic>')
            local function expiry(blob)
              local s, n = string.match(blob, '^%d+\\n(%-?%d+)\\n(%d+)\\n')
              return tonumber(s), tonumber(n), s, n
            end
            local function topic(blob)
              return string.match(blob, '^[^\\n]*\\n[^\\n]*\\n[^\\n]*\\n([^\\n]*)')
            end

            -- the channel a field of the message hash belongs to (nil for the sequence), and whether it is a message
            local function owner(field)
              local kind = string.sub(field, 1, 2)
              if kind == 'n:' or kind == 'x:' then return string.sub(field, 3), false end
              if kind == 't:' then return string.sub(field, 3, string.find(field, ':', 3, true) - 1), false end
              local colon = string.find(field, ':', 1, true)
              if not colon then return nil, false end
              return string.sub(field, 1, colon - 1), true
            end

            -- removes one message with its topic entry and its place in the channel's count
            local function unqueue(channel, id, blob)
              redis.call('HDEL', KEYS[2], channel .. ':' .. id)
              local token = topic(blob)
              if token ~= '' then
                local field = 't:' .. channel .. ':' .. string.sub(token, 2)
                if redis.call('HGET', KEYS[2], field) == id then redis.call('HDEL', KEYS[2], field) end
              end
              if redis.call('HINCRBY', KEYS[2], 'n:' .. channel, -1) <= 0 then
                redis.call('HDEL', KEYS[2], 'n:' .. channel, 'x:' .. channel)
              end
            end

            -- whether the channel has queued messages (a channel without any has no field at all)
            local function queued(channel)
              return redis.call('HEXISTS', KEYS[2], 'n:' .. channel) == 1
            end

            -- removes every field of the channels in the set (a rare operation: unregister, resume, rekey)
            local function purge(channels)
              for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
                local channel = owner(field)
                if channel and channels[channel] then redis.call('HDEL', KEYS[2], field) end
              end
            end

            -- the hash without messages is only the sequence: forget it, a new one starts again at 1
            local function tidy()
              if redis.call('HLEN', KEYS[2]) <= 1 then redis.call('DEL', KEYS[2]) end
            end
            """;

    /**
     * Creates the device if absent. A new device inherits nothing: a message hash left without its device (which
     * this release never leaves, but a node of a release before Web Push dropping the device would) is deleted.
     * Returns 1.
     */
    static final LuaScript CREATE = LuaScript.of(REFRESH + """
            if redis.call('HSETNX', KEYS[1], '@', '1') == 1 then redis.call('DEL', KEYS[2]) end
            refresh()
            return 1
            """);

    /**
     * Resume (P2.4). ARGV[2] is '1' if the hello listed channels, then ARGV[3..] are their fields. Checks every
     * listed channel before changing anything, so a mismatch leaves the device as it was. Channels dropped for
     * not being listed lose their queued messages. Returns 0 UNKNOWN, 1 MISMATCH, 2 RESUMED.
     */
    static final LuaScript RESUME = LuaScript.of(QUEUE + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if ARGV[2] == '1' then
              local listed = {}
              for i = 3, #ARGV do
                if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then return 1 end
                listed[ARGV[i]] = true
              end
              local dropped, any = {}, false
              for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
                if string.sub(field, 1, 2) == 'c:' and not listed[field] then
                  redis.call('HDEL', KEYS[1], field)
                  local channel = string.sub(field, 3)
                  if queued(channel) then
                    dropped[channel] = true
                    any = true
                  end
                end
              end
              if any then
                purge(dropped)
                tidy()
              end
            end
            refresh()
            return 2
            """);

    /**
     * Clears whatever the message hash still holds for a channel that is not (or no longer) registered, so a new
     * channel starts with an empty queue. This release never leaves such messages; a node of a release before Web
     * Push does, when it unregisters or drops channels during a rolling upgrade.
     */
    private static final String FORGET_ORPHANS = """
            local function forget_orphans(channel)
              if queued(channel) then
                purge({[channel] = true})
                tidy()
              end
            end
            """;

    /**
     * A SimplePush channel's state ('n', 'p' or 'a', see {@link Keys}) as its version ('' for none yet), its
     * generation ('0' for a channel stored before generations) and the generation's suffix as stored ('' or
     * '.<generation>'), which a write of a new version or an ack keeps. Versions are digits, so the first '.' ends one.
     */
    private static final String SIMPLE = """
            local function simple(value)
              local dot = string.find(value, '.', 2, true)
              if not dot then return string.sub(value, 2), '0', '' end
              return string.sub(value, 2, dot - 1), string.sub(value, dot + 1), string.sub(value, dot)
            end
            """;

    /**
     * A channel's state (see {@link Keys}) as its key ('' for none, else 'k' and the key hash) and its generation
     * (decimal text, '0' for a SimplePush channel stored before generations). A 'k' state without a generation is of
     * a layout that only unreleased builds wrote; it reads as generation 0.
     */
    private static final String STATE = SIMPLE + """
            local function state(value)
              local kind = string.sub(value, 1, 1)
              if kind == 'k' then
                local dot = string.find(value, '.', 2, true)
                if not dot then return value, '0' end
                return string.sub(value, 1, dot - 1), string.sub(value, dot + 1)
              end
              if kind == 'o' then return '', string.sub(value, 2) end
              local _, generation = simple(value)
              return '', generation
            end
            """;

    /**
     * SimplePush register (P3.3, P3.4, P3.5). ARGV[2] the channel limit (a small integer, so tonumber is exact),
     * ARGV[3] the field, ARGV[4] the requested generation in decimal: a new channel is 'n.<generation>'. An existing
     * channel, of either dialect, is kept as it is. Returns {code, generation}: code 0 UNKNOWN_DEVICE, 1 EXISTS,
     * 2 LIMIT_REACHED, 3 REGISTERED, and the channel's generation now (the requested one if refused).
     */
    static final LuaScript REGISTER = LuaScript.of(QUEUE + FORGET_ORPHANS + STATE + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {0, ARGV[4]} end
            local value = redis.call('HGET', KEYS[1], ARGV[3])
            if value then
              local _, generation = state(value)
              refresh()
              return {1, generation}
            end
            -- every field but the existence marker and the wake-up address is a channel
            local count = redis.call('HLEN', KEYS[1]) - 1 - redis.call('HEXISTS', KEYS[1], 'w')
            if count >= tonumber(ARGV[2]) then return {2, ARGV[4]} end
            redis.call('HSET', KEYS[1], ARGV[3], 'n.' .. ARGV[4])
            forget_orphans(string.sub(ARGV[3], 3))
            refresh()
            return {3, ARGV[4]}
            """);

    /**
     * Web Push register (W3.1–W3.4). ARGV[2] the channel limit, ARGV[3] the field, ARGV[4] the key of the
     * subscription: '' for an open one, 'k' and the key hash for a restricted one; ARGV[5] its whole state (see
     * {@link Keys}: 'k<keyHash>.<generation>' or 'o<generation>'); ARGV[6] the
     * channel ID; ARGV[7] the requested generation in decimal. An existing channel with the same key (or none and
     * none, whatever its SimplePush version or generation) is kept; with another, it takes the new state and loses
     * its queued messages. Generations are only passed along and compared as text, never converted: they are
     * signed 64-bit and a Lua number is a double. Returns {code, generation}: code 0 UNKNOWN_DEVICE, 1 EXISTS,
     * 2 LIMIT_REACHED, 3 REGISTERED, 4 REKEYED, and the channel's generation now (the requested one if refused).
     */
    static final LuaScript SUBSCRIBE = LuaScript.of(QUEUE + FORGET_ORPHANS + STATE + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {0, ARGV[7]} end
            local value = redis.call('HGET', KEYS[1], ARGV[3])
            if value then
              local key, generation = state(value)
              if key == ARGV[4] then
                refresh()
                return {1, generation}
              end
              redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
              forget_orphans(ARGV[6])
              refresh()
              return {4, ARGV[7]}
            end
            local count = redis.call('HLEN', KEYS[1]) - 1 - redis.call('HEXISTS', KEYS[1], 'w')
            if count >= tonumber(ARGV[2]) then return {2, ARGV[7]} end
            redis.call('HSET', KEYS[1], ARGV[3], ARGV[5])
            forget_orphans(ARGV[6])
            refresh()
            return {3, ARGV[7]}
            """);

    /**
     * Unregister (P3.5, W3.4): the channel, its SimplePush version and its queued messages. ARGV[2] the field,
     * ARGV[3] the channel ID. Returns 1 if the channel was there.
     */
    static final LuaScript UNREGISTER = LuaScript.of(QUEUE + FORGET_ORPHANS + """
            if redis.call('HDEL', KEYS[1], ARGV[2]) == 0 then return 0 end
            forget_orphans(ARGV[3])
            refresh()
            return 1
            """);

    /**
     * Compare-and-raise (P5.1, P3.5). ARGV[2] the field, ARGV[3] the version, ARGV[4] the generation the endpoint
     * names, in decimal. Only the channel's current registration takes versions: another generation is gone. A fresh
     * channel ('n', no version) takes any version; a Web Push subscription of its own takes none, as if it did not
     * exist: a restricted one ('k'; W7.3: only its key's holder may send, with VAPID) or an open one ('o'). Returns
     * 0 GONE, 1 STALE, 2 ADVANCED.
     */
    static final LuaScript ADVANCE = LuaScript.of(NEWER + REFRESH + SIMPLE + """
            local value = redis.call('HGET', KEYS[1], ARGV[2])
            if not value then return 0 end
            local kind = string.sub(value, 1, 1)
            if kind == 'k' or kind == 'o' then return 0 end
            local stored, generation, suffix = simple(value)
            if generation ~= ARGV[4] then return 0 end
            if stored ~= '' and not newer(ARGV[3], stored) then return 1 end
            redis.call('HSET', KEYS[1], ARGV[2], 'p' .. ARGV[3] .. suffix)
            refresh()
            return 2
            """);

    /**
     * Conditional ack (P5.3). ARGV[2] the field, ARGV[3] the acked version. Clears the pending mark only if the
     * acked version is not older than the pending one, keeping the version itself and the generation. Returns 1 if
     * it cleared.
     */
    static final LuaScript ACK = LuaScript.of(NEWER + REFRESH + SIMPLE + """
            local value = redis.call('HGET', KEYS[1], ARGV[2])
            if not value or string.sub(value, 1, 1) ~= 'p' then return 0 end
            local pending, _, suffix = simple(value)
            if newer(pending, ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], ARGV[2], 'a' .. pending .. suffix)
            refresh()
            return 1
            """);

    /**
     * Enqueue (W9.1, W6.5, W9.4). ARGV[2] the field; ARGV[3] the key of the subscription the message was sent for
     * ('' for none, else 'k' and the key hash) and ARGV[13] its generation, which the channel's state must have
     * (a SimplePush channel whatever its version, W1.4); ARGV[4] the queue limit (a small integer); ARGV[5],
     * ARGV[6] now as seconds and nanos; ARGV[7] the channel ID; ARGV[8] the message id; ARGV[9] the topic token ('' or
     * '+<topic>'); ARGV[10], ARGV[11] the expiry as seconds and nanos; ARGV[12] the rest of the message after its
     * topic ('' or the payload lines, each after a newline). First drops the channel's expired messages (only if
     * its earliest expiry has passed); then a message with the same topic, or the same id, is replaced, and
     * otherwise a full queue refuses. Returns 0 GONE, 1 QUEUE_FULL, 2 QUEUED.
     */
    static final LuaScript ENQUEUE = LuaScript.of(QUEUE + STATE + """
            local value = redis.call('HGET', KEYS[1], ARGV[2])
            if not value then return 0 end
            local key, generation = state(value)
            if key ~= ARGV[3] or generation ~= ARGV[13] then return 0 end
            local channel, id, token = ARGV[7], ARGV[8], ARGV[9]
            local now_s, now_n = tonumber(ARGV[5]), tonumber(ARGV[6])
            local prefix = channel .. ':'
            local earliest = redis.call('HGET', KEYS[2], 'x:' .. channel)
            if earliest then
              local s, n = string.match(earliest, '^(%-?%d+) (%d+)$')
              if not before(now_s, now_n, tonumber(s), tonumber(n)) then
                local keep
                for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
                  if string.sub(field, 1, #prefix) == prefix then
                    local blob = redis.call('HGET', KEYS[2], field)
                    local es, en, text_s, text_n = expiry(blob)
                    if not before(now_s, now_n, es, en) then
                      unqueue(channel, string.sub(field, #prefix + 1), blob)
                    elseif not keep or before(es, en, keep[1], keep[2]) then
                      keep = {es, en, text_s, text_n}
                    end
                  end
                end
                if keep then redis.call('HSET', KEYS[2], 'x:' .. channel, keep[3] .. ' ' .. keep[4]) end
              end
            end
            local replaced = {}
            if redis.call('HEXISTS', KEYS[2], prefix .. id) == 1 then replaced[#replaced + 1] = id end
            local topic_field
            if token ~= '' then
              topic_field = 't:' .. channel .. ':' .. string.sub(token, 2)
              local same = redis.call('HGET', KEYS[2], topic_field)
              if same and same ~= id then replaced[#replaced + 1] = same end
            end
            if #replaced == 0 then
              local count = tonumber(redis.call('HGET', KEYS[2], 'n:' .. channel) or '0')
              if count >= tonumber(ARGV[4]) then return 1 end
            end
            for _, old in ipairs(replaced) do
              local blob = redis.call('HGET', KEYS[2], prefix .. old)
              if blob then unqueue(channel, old, blob) end
            end
            local seq = redis.call('HINCRBY', KEYS[2], '#', 1)
            redis.call('HSET', KEYS[2], prefix .. id,
                string.format('%d', seq) .. '\\n' .. ARGV[10] .. '\\n' .. ARGV[11] .. '\\n' .. token .. ARGV[12])
            redis.call('HINCRBY', KEYS[2], 'n:' .. channel, 1)
            if topic_field then redis.call('HSET', KEYS[2], topic_field, id) end
            earliest = redis.call('HGET', KEYS[2], 'x:' .. channel)
            local replace_earliest = not earliest
            if earliest then
              local s, n = string.match(earliest, '^(%-?%d+) (%d+)$')
              replace_earliest = before(tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(s), tonumber(n))
            end
            if replace_earliest then
              redis.call('HSET', KEYS[2], 'x:' .. channel, ARGV[10] .. ' ' .. ARGV[11])
            end
            refresh()
            return 2
            """);

    /**
     * The device's queued messages (W9.3). ARGV[2], ARGV[3] now as seconds and nanos. Drops the expired ones and
     * returns the others as field, message, field, message... in no order (each message starts with its
     * sequence number). A message whose channel is gone, or a message hash left without its device (neither of
     * which this release leaves, but a node of a release before Web Push may), is deleted, never returned.
     */
    static final LuaScript MESSAGES = LuaScript.of(QUEUE + """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('DEL', KEYS[2])
              return {}
            end
            local now_s, now_n = tonumber(ARGV[2]), tonumber(ARGV[3])
            local all = redis.call('HGETALL', KEYS[2])
            local live, dropped, registered = {}, false, {}
            for i = 1, #all, 2 do
              local field, blob = all[i], all[i + 1]
              local channel, message = owner(field)
              if message and registered[channel] == nil then
                registered[channel] = redis.call('HEXISTS', KEYS[1], 'c:' .. channel) == 1
              end
              if message then
                local es, en = expiry(blob)
                if registered[channel] and before(now_s, now_n, es, en) then
                  live[#live + 1] = field
                  live[#live + 1] = blob
                else
                  unqueue(channel, string.sub(field, #channel + 2), blob)
                  dropped = true
                end
              end
            end
            if dropped then tidy() end
            return live
            """);

    /** Removes one message (W8.1, W6.8). ARGV[2] the channel ID, ARGV[3] the id. Returns 1 if it was there. */
    static final LuaScript REMOVE = LuaScript.of(QUEUE + """
            local blob = redis.call('HGET', KEYS[2], ARGV[2] .. ':' .. ARGV[3])
            if not blob then return 0 end
            unqueue(ARGV[2], ARGV[3], blob)
            tidy()
            refresh()
            return 1
            """);

    /** Sets (ARGV[2] non-empty) or forgets (empty) the wake-up address of an existing device. Returns 1 if set. */
    static final LuaScript SET_WAKEUP = LuaScript.of(REFRESH + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if ARGV[2] == '' then
              redis.call('HDEL', KEYS[1], 'w')
            else
              redis.call('HSET', KEYS[1], 'w', ARGV[2])
            end
            refresh()
            return 1
            """);

    /**
     * What the device holds, read in one step: {channels, pending SimplePush updates, queued messages}, or an empty
     * reply for an unknown device. Changes nothing, refreshes no TTL.
     */
    static final LuaScript COUNTS = LuaScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
            local fields = redis.call('HGETALL', KEYS[1])
            local channels, pending, queued = 0, 0, 0
            for i = 1, #fields, 2 do
              if string.sub(fields[i], 1, 2) == 'c:' then
                channels = channels + 1
                if string.sub(fields[i + 1], 1, 1) == 'p' then pending = pending + 1 end
              end
            end
            local messages = redis.call('HGETALL', KEYS[2])
            for i = 1, #messages, 2 do
              if string.sub(messages[i], 1, 2) == 'n:' then queued = queued + tonumber(messages[i + 1]) end
            end
            return {channels, pending, queued}
            """);

    private DeviceScripts() {
    }
}
