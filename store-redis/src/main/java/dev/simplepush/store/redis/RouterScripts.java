package dev.simplepush.store.redis;

/**
 * The Lua scripts of {@link RedisRouter}, each on one presence key (KEYS[1]), atomic as every script is.
 * Presence values are {@code <nodeId>/<connection>}.
 */
final class RouterScripts {

    /** Compare-and-delete: removes presence only if it still names ARGV[1]. Returns 1 if it did. */
    static final LuaScript RELEASE = LuaScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    /**
     * Extends presence naming ARGV[1] by ARGV[2] ms, or sets it again if it expired. Returns '' if the key now
     * names ARGV[1], otherwise the value of whoever holds it instead.
     */
    static final LuaScript REFRESH = LuaScript.of("""
            local current = redis.call('GET', KEYS[1])
            if current == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return ''
            end
            if not current then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return ''
            end
            return current
            """);

    private RouterScripts() {
    }
}
