/// The Lua scripts a node runs in Redis with `EVAL`. Each runs atomically, so a script that assigns a number and
/// publishes the event carrying it can never be interleaved with another: the order of events on a room
/// channel is the order of their numbers. Key names are built from the prefix in `ARGV[1]` (see
/// ``ClusterKeys``), so the scripts need a single Redis, not Redis Cluster.
enum ClusterScripts {
    /// Shared helpers: `n` prints a number without exponent, `presence` builds a presence envelope.
    private static let prelude = """
        local function n(x) return string.format('%d', x) end
        local function presence(ev, kind, name, node, seq, sync)
          local s = '{"ev":' .. n(ev) .. ',"kind":"' .. kind .. '","name":' .. cjson.encode(name)
            .. ',"node":' .. cjson.encode(node) .. ',"seq":' .. n(seq)
          if sync then s = s .. ',"sync":true' end
          return s .. '}'
        end
        local p = ARGV[1]

        """

    /// ARGV: prefix, room, name, node, history limit, new epoch → `{seq, ev, history, epoch}`. Registers the
    /// member, publishes its presence `join`, and reads `seq`, history and the room's epoch in the same step
    /// (the epoch is set to the given one when the room has none yet, so every node agrees on it).
    static let join =
        prelude + """
            local room, name, node, limit = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
            local rk = p .. 'room:' .. room
            local epoch = redis.call('GET', rk .. ':epoch')
            if not epoch then
              epoch = ARGV[6]
              redis.call('SET', rk .. ':epoch', epoch)
            end
            redis.call('HSET', rk .. ':members', name, node)
            redis.call('SADD', p .. 'node:' .. node .. ':rooms', room)
            local seq = tonumber(redis.call('GET', rk .. ':seq') or '0')
            local ev = redis.call('INCR', rk .. ':ev')
            local history = {}
            if limit > 0 then history = redis.call('LRANGE', rk .. ':history', -limit, -1) end
            redis.call('PUBLISH', rk, presence(ev, 'join', name, node, seq, false))
            return {seq, ev, history, epoch}
            """

    /// ARGV: prefix, room, name, node → `{seq, ev}`; `ev` is 0 when the member was not registered (nothing
    /// published).
    static let leave =
        prelude + """
            local room, name, node = ARGV[2], ARGV[3], ARGV[4]
            local rk = p .. 'room:' .. room
            local seq = tonumber(redis.call('GET', rk .. ':seq') or '0')
            if redis.call('HGET', rk .. ':members', name) ~= node then return {seq, 0} end
            redis.call('HDEL', rk .. ':members', name)
            local ev = redis.call('INCR', rk .. ':ev')
            redis.call('PUBLISH', rk, presence(ev, 'leave', name, node, seq, false))
            return {seq, ev}
            """

    /// ARGV: prefix, room, stored history, message body (JSON), require-room flag → `{seq, ev}`, or `{-1, -1}`
    /// when the flag is `1` and the room has no member anywhere (operator announcements).
    static let say =
        prelude + """
            local room, cap, body = ARGV[2], tonumber(ARGV[3]), ARGV[4]
            local rk = p .. 'room:' .. room
            if ARGV[5] == '1' and redis.call('EXISTS', rk .. ':members') == 0 then return {-1, -1} end
            local seq = redis.call('INCR', rk .. ':seq')
            local ev = redis.call('INCR', rk .. ':ev')
            local e = '{"ev":' .. n(ev) .. ',"kind":"message","message":' .. body .. ',"seq":' .. n(seq) .. '}'
            if cap > 0 then
              redis.call('RPUSH', rk .. ':history', e)
              redis.call('LTRIM', rk .. ':history', -cap, -1)
            end
            redis.call('PUBLISH', rk, e)
            return {seq, ev}
            """

    /// ARGV: prefix, room → `{seq, ev, stored history}`, read in one step.
    static let snapshot =
        prelude + """
            local rk = p .. 'room:' .. ARGV[2]
            return {tonumber(redis.call('GET', rk .. ':seq') or '0'), tonumber(redis.call('GET', rk .. ':ev') or '0'),
              redis.call('LRANGE', rk .. ':history', 0, -1)}
            """

    /// ARGV: prefix, room, node, seq floor, ev floor, stored history, history count H, H envelopes, member
    /// names → `{seq, ev, stored history}`.
    ///
    /// Puts a room back in line with what a recovering node knows: counters are raised to what the node had
    /// seen (a Redis restarted without persistence starts from zero), an empty history is refilled from the
    /// node's copy, and the room's members on this node become exactly `names` (presence published for each
    /// change, marked `sync`).
    static let sync =
        prelude + """
            local room, node = ARGV[2], ARGV[3]
            local seqFloor, evFloor = tonumber(ARGV[4]), tonumber(ARGV[5])
            local cap, count = tonumber(ARGV[6]), tonumber(ARGV[7])
            local rk = p .. 'room:' .. room
            local seq = tonumber(redis.call('GET', rk .. ':seq') or '0')
            if seq < seqFloor then
              redis.call('SET', rk .. ':seq', n(seqFloor))
              seq = seqFloor
            end
            if tonumber(redis.call('GET', rk .. ':ev') or '0') < evFloor then
              redis.call('SET', rk .. ':ev', n(evFloor))
            end
            local hk = rk .. ':history'
            if count > 0 and redis.call('LLEN', hk) == 0 then
              for i = 1, count do redis.call('RPUSH', hk, ARGV[7 + i]) end
              if cap > 0 then redis.call('LTRIM', hk, -cap, -1) end
            end
            local first = 8 + count
            local wanted = {}
            for i = first, #ARGV do wanted[ARGV[i]] = true end
            local mk = rk .. ':members'
            local all = redis.call('HGETALL', mk)
            for i = 1, #all, 2 do
              if all[i + 1] == node and not wanted[all[i]] then
                redis.call('HDEL', mk, all[i])
                redis.call('PUBLISH', rk, presence(redis.call('INCR', rk .. ':ev'), 'leave', all[i], node, seq, true))
              end
            end
            for i = first, #ARGV do
              if redis.call('HGET', mk, ARGV[i]) ~= node then
                redis.call('HSET', mk, ARGV[i], node)
                redis.call('PUBLISH', rk, presence(redis.call('INCR', rk .. ':ev'), 'join', ARGV[i], node, seq, true))
              end
            end
            if #ARGV >= first then
              redis.call('SADD', p .. 'node:' .. node .. ':rooms', room)
            else
              redis.call('SREM', p .. 'node:' .. node .. ':rooms', room)
            end
            return {seq, tonumber(redis.call('GET', rk .. ':ev') or '0'), redis.call('LRANGE', hk, 0, -1)}
            """

    /// ARGV: prefix, node, TTL ms, names → names another node owns. Announces the node and makes its users'
    /// name keys exactly `names` (releasing the others it owned).
    static let register =
        prelude + """
            local node, ttl = ARGV[2], ARGV[3]
            redis.call('SADD', p .. 'nodes', node)
            redis.call('SET', p .. 'node:' .. node .. ':alive', '1', 'PX', ttl)
            local uk = p .. 'node:' .. node .. ':users'
            local wanted = {}
            for i = 4, #ARGV do wanted[ARGV[i]] = true end
            for _, name in ipairs(redis.call('SMEMBERS', uk)) do
              if not wanted[name] then
                if redis.call('GET', p .. 'user:' .. name) == node then redis.call('DEL', p .. 'user:' .. name) end
                redis.call('SREM', uk, name)
              end
            end
            local conflicts = {}
            for i = 4, #ARGV do
              local k = p .. 'user:' .. ARGV[i]
              local owner = redis.call('GET', k)
              if owner == false or owner == node then
                redis.call('SET', k, node, 'PX', ttl)
                redis.call('SADD', uk, ARGV[i])
              else
                table.insert(conflicts, ARGV[i])
              end
            end
            return conflicts
            """

    /// ARGV: prefix, node, TTL ms → `{0, dead node ids}`, or `{1, {}}` when this node had been given up for
    /// dead (it must register and sync again).
    static let heartbeat =
        prelude + """
            local node, ttl = ARGV[2], ARGV[3]
            local known = redis.call('SISMEMBER', p .. 'nodes', node)
            redis.call('SET', p .. 'node:' .. node .. ':alive', '1', 'PX', ttl)
            if known == 0 then return {1, {}} end
            for _, name in ipairs(redis.call('SMEMBERS', p .. 'node:' .. node .. ':users')) do
              if redis.call('GET', p .. 'user:' .. name) == node then
                redis.call('PEXPIRE', p .. 'user:' .. name, ttl)
              end
            end
            local dead = {}
            for _, other in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
              if redis.call('EXISTS', p .. 'node:' .. other .. ':alive') == 0 then table.insert(dead, other) end
            end
            return {0, dead}
            """

    /// ARGV: prefix, dead node → 1 when this call removed it. Publishes a presence `leave` for each of its
    /// members and frees its names. Only one node wins the `SREM`, so each leave is published once.
    static let reap =
        prelude + """
            local dead = ARGV[2]
            if redis.call('EXISTS', p .. 'node:' .. dead .. ':alive') == 1 then return 0 end
            if redis.call('SREM', p .. 'nodes', dead) == 0 then return 0 end
            for _, room in ipairs(redis.call('SMEMBERS', p .. 'node:' .. dead .. ':rooms')) do
              local rk = p .. 'room:' .. room
              local all = redis.call('HGETALL', rk .. ':members')
              local seq = tonumber(redis.call('GET', rk .. ':seq') or '0')
              for i = 1, #all, 2 do
                if all[i + 1] == dead then
                  redis.call('HDEL', rk .. ':members', all[i])
                  local ev = redis.call('INCR', rk .. ':ev')
                  redis.call('PUBLISH', rk, presence(ev, 'leave', all[i], dead, seq, false))
                end
              end
            end
            for _, name in ipairs(redis.call('SMEMBERS', p .. 'node:' .. dead .. ':users')) do
              if redis.call('GET', p .. 'user:' .. name) == dead then redis.call('DEL', p .. 'user:' .. name) end
            end
            redis.call('DEL', p .. 'node:' .. dead .. ':users', p .. 'node:' .. dead .. ':rooms')
            return 1
            """

    /// ARGV: prefix, node, name, TTL ms → 1 when the name is now this node's, 0 when another node has it.
    static let claim =
        prelude + """
            local node, name, ttl = ARGV[2], ARGV[3], ARGV[4]
            if redis.call('SET', p .. 'user:' .. name, node, 'NX', 'PX', ttl) then
              redis.call('SADD', p .. 'node:' .. node .. ':users', name)
              return 1
            end
            return 0
            """

    /// ARGV: prefix, node, name. Frees the name if this node owns it.
    static let release =
        prelude + """
            local node, name = ARGV[2], ARGV[3]
            if redis.call('GET', p .. 'user:' .. name) == node then redis.call('DEL', p .. 'user:' .. name) end
            redis.call('SREM', p .. 'node:' .. node .. ':users', name)
            return 1
            """

    /// ARGV: prefix, addressee, payload → receivers (0 when no node owns the name or its node is gone).
    static let whisper =
        prelude + """
            local node = redis.call('GET', p .. 'user:' .. ARGV[2])
            if not node then return 0 end
            return redis.call('PUBLISH', p .. 'node:' .. node, ARGV[3])
            """
}
