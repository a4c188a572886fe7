package dev.simplepush.store.redis;

/**
 * The Lua scripts of {@link RedisDeviceStore}. Redis runs a script atomically, so each one is a port method's
 * whole read-check-write on one device hash (KEYS[1]); nothing else runs in between, on any node. ARGV[1] is
 * always the device TTL in milliseconds: every write refreshes it, so a device with a pending update younger
 * than the TTL never expires. Channel field values are {@code <state><version>} (see {@link Keys}).
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

    /** Creates the device if absent. Returns 1. */
    static final LuaScript CREATE = LuaScript.of("""
            redis.call('HSETNX', KEYS[1], '@', '1')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /**
     * Resume (P2.4). ARGV[2] is '1' if the hello listed channels, then ARGV[3..] are their fields. Checks every
     * listed channel before changing anything, so a mismatch leaves the device as it was.
     * Returns 0 UNKNOWN, 1 MISMATCH, 2 RESUMED.
     */
    static final LuaScript RESUME = LuaScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if ARGV[2] == '1' then
              local listed = {}
              for i = 3, #ARGV do
                if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then return 1 end
                listed[ARGV[i]] = true
              end
              for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
                if string.sub(field, 1, 2) == 'c:' and not listed[field] then
                  redis.call('HDEL', KEYS[1], field)
                end
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 2
            """);

    /**
     * Register (P3.3, P3.4). ARGV[2] the channel limit (a small integer, so tonumber is exact), ARGV[3] the
     * field. Returns 0 UNKNOWN_DEVICE, 1 EXISTS, 2 LIMIT_REACHED, 3 REGISTERED.
     */
    static final LuaScript REGISTER = LuaScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              return 1
            end
            -- every field but the existence marker and the wake-up address is a channel
            local count = redis.call('HLEN', KEYS[1]) - 1 - redis.call('HEXISTS', KEYS[1], 'w')
            if count >= tonumber(ARGV[2]) then return 2 end
            redis.call('HSET', KEYS[1], ARGV[3], 'n')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 3
            """);

    /**
     * Compare-and-raise (P5.1). ARGV[2] the field, ARGV[3] the version. A fresh channel ('n', no version) takes
     * any version. Returns 0 GONE, 1 STALE, 2 ADVANCED.
     */
    static final LuaScript ADVANCE = LuaScript.of(NEWER + """
            local value = redis.call('HGET', KEYS[1], ARGV[2])
            if not value then return 0 end
            local stored = string.sub(value, 2)
            if stored ~= '' and not newer(ARGV[3], stored) then return 1 end
            redis.call('HSET', KEYS[1], ARGV[2], 'p' .. ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 2
            """);

    /**
     * Conditional ack (P5.3). ARGV[2] the field, ARGV[3] the acked version. Clears the pending mark only if the
     * acked version is not older than the pending one, keeping the version itself. Returns 1 if it cleared.
     */
    static final LuaScript ACK = LuaScript.of(NEWER + """
            local value = redis.call('HGET', KEYS[1], ARGV[2])
            if not value or string.sub(value, 1, 1) ~= 'p' then return 0 end
            local pending = string.sub(value, 2)
            if newer(pending, ARGV[3]) then return 0 end
            redis.call('HSET', KEYS[1], ARGV[2], 'a' .. pending)
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /** Sets (ARGV[2] non-empty) or forgets (empty) the wake-up address of an existing device. Returns 1 if set. */
    static final LuaScript SET_WAKEUP = LuaScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if ARGV[2] == '' then
              redis.call('HDEL', KEYS[1], 'w')
            else
              redis.call('HSET', KEYS[1], 'w', ARGV[2])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    private DeviceScripts() {
    }
}
