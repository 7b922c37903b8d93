function __chatserver_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatserver_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __chatserver_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatserver_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __chatserver_parse_tokens -S
    set -l unparsed_tokens (__chatserver_tokens -pc)
    switch $unparsed_tokens[1]
    case 'chatserver'
        __chatserver_parse_subcommand 0 'host=' 'port=' 'admin-token=' 'max-message-bytes=' 'mode=' 'echo' 'no-page' 'max-content-bytes=' 'history=' 'history-max-age=' 'max-id-bytes=' 'max-rooms-per-connection=' 'max-rooms=' 'users-page-size=' 'memory-trim-interval=' 'send-queue=' 'send-queue-bytes=' 'rate-limit=' 'rate-burst=' 'max-connections=' 'max-connections-per-ip=' 'handshake-rate-per-ip=' 'handshake-burst-per-ip=' 'join-rate=' 'join-burst=' 'join-rate-per-ip=' 'join-burst-per-ip=' 'allowed-origins=+' 'allowed-hosts=+' 'ping-interval=' 'pong-timeout=' 'handshake-timeout=' 'shutdown-timeout=' 'threads=' 'redis=' 'node-id=' 'heartbeat-interval=' 'node-ttl=' 'metrics=' 'delivery-sample-interval=' 'tls-cert=' 'tls-key=' 'log-level=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __chatserver_parse_subcommand -r 1 'version'
        end
    end
end

function __chatserver_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __chatserver_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __chatserver_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __chatserver_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__chatserver_tokens -p)
    if test -z "$(__chatserver_tokens -t)"
        set -l index (count (__chatserver_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'chatserver' -f
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" host' -l 'host' -d 'Address to bind.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" port' -l 'port' -d 'Port to bind; 0 picks a free port.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" admin-token' -l 'admin-token' -d 'Bearer token that enables the admin API (default: $CHAT_ADMIN_TOKEN; unset disables /admin/).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-message-bytes' -l 'max-message-bytes' -d 'Largest WebSocket message accepted, in bytes; larger ones are closed with 1009 (default 64 KiB; 16 MiB in echo mode).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" mode' -l 'mode' -d 'chat: the chat protocol on /ws; broadcast: every text frame to everyone, any path (like gorilla\'s chat example); echo: every message back to its sender, any path (conformance testing).' -rfka 'chat broadcast echo'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" echo' -l 'echo' -d 'Shorthand for --mode echo.'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" no-page' -l 'no-page' -d 'Do not serve the browser chat page at GET / (it answers 404 then).'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-content-bytes' -l 'max-content-bytes' -d 'Longest say/whisper content, in UTF-8 bytes; longer gets error too_long.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" history' -l 'history' -d 'Messages each room keeps and replays to members who join.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" history-max-age' -l 'history-max-age' -d 'Seconds a message stays in a room\'s history (replayed on join and recovered by join with since); 0: no age limit.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-id-bytes' -l 'max-id-bytes' -d 'Longest request id, in UTF-8 bytes; longer gets error id_too_long.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-rooms-per-connection' -l 'max-rooms-per-connection' -d 'Rooms one connection may be in at once; one more gets error too_many_rooms.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-rooms' -l 'max-rooms' -d 'Rooms that may exist at once (a room exists while it has a member); one more gets error room_limit_reached.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" users-page-size' -l 'users-page-size' -d 'Most names in one users reply; longer member lists come in pages (the reply\'s next field).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" memory-trim-interval' -l 'memory-trim-interval' -d 'Seconds between looks at whether to give memory freed by closed connections back to the system (only when connections closed and fewer than 1000 messages arrived meanwhile); 0 never.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" send-queue' -l 'send-queue' -d 'Messages that may wait for one slow client before it is dropped with close 1008.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" send-queue-bytes' -l 'send-queue-bytes' -d 'Bytes of messages (history, room messages, errors, presence) that may wait for one slow client before it is dropped with close 1008 (default 1 MiB; 64 MiB in echo mode).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" rate-limit' -l 'rate-limit' -d 'Requests per second per connection (average); 0 disables the limit.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" rate-burst' -l 'rate-burst' -d 'Requests per connection allowed in a burst above --rate-limit.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-connections' -l 'max-connections' -d 'Open WebSocket connections in all; one more upgrade gets 503 too_many_connections (0: no limit).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" max-connections-per-ip' -l 'max-connections-per-ip' -d 'Open WebSocket connections from one IP address (0: no limit); one more gets 503 too_many_connections_from_ip.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" handshake-rate-per-ip' -l 'handshake-rate-per-ip' -d 'WebSocket handshakes per second from one IP address (0: no limit); over it, 429 handshake_rate_limited.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" handshake-burst-per-ip' -l 'handshake-burst-per-ip' -d 'Handshakes from one IP address allowed in a burst above --handshake-rate-per-ip.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" join-rate' -l 'join-rate' -d 'Joins per second per connection (average); over it a join gets error join_rate_limited; 0: no limit.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" join-burst' -l 'join-burst' -d 'Joins per connection allowed in a burst above --join-rate (twice the 100 rooms a connection may be in).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" join-rate-per-ip' -l 'join-rate-per-ip' -d 'Joins per second of all connections from one IP address together (0: no limit); over it, join_rate_limited.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" join-burst-per-ip' -l 'join-burst-per-ip' -d 'Joins from one IP address allowed in a burst above --join-rate-per-ip.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver"' -l 'allowed-origins' -d 'Origins whose pages may connect (comma-separated or repeated); \'*\' allows any.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver"' -l 'allowed-hosts' -d 'Host headers the server answers (comma-separated or repeated; HOST or HOST:PORT); \'*\' allows any.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" ping-interval' -l 'ping-interval' -d 'Seconds between keepalive pings; 0 disables them.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" pong-timeout' -l 'pong-timeout' -d 'Seconds a client may stay silent after a ping before it is dropped.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" handshake-timeout' -l 'handshake-timeout' -d 'Seconds a connection may take to send a complete HTTP request or upgrade.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" shutdown-timeout' -l 'shutdown-timeout' -d 'Seconds shutdown waits for clients to answer close 1001.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" threads' -l 'threads' -d 'Event-loop threads (default: one per core).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" redis' -l 'redis' -d 'Join a cluster of nodes sharing this Redis: redis://HOST:PORT[/DB].' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" node-id' -l 'node-id' -d 'This node\'s id in the cluster (default: $CHAT_NODE_ID, else $HOSTNAME, else random).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" heartbeat-interval' -l 'heartbeat-interval' -d 'Seconds between cluster heartbeats.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" node-ttl' -l 'node-ttl' -d 'Seconds a silent node counts as alive; then its users leave and their names are freed.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" metrics' -l 'metrics' -d 'Who may read GET /metrics: public (anyone who reaches the port), token (admin token holders), off.' -rfka 'public token off'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" delivery-sample-interval' -l 'delivery-sample-interval' -d 'Time every Nth room message from receipt to its last member\'s write (chat_delivery_seconds).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" tls-cert' -l 'tls-cert' -d 'Serve TLS (wss://, https://) with this PEM certificate chain, the server\'s certificate first.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" tls-key' -l 'tls-key' -d 'The PEM private key of --tls-cert (unencrypted).' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" log-level' -l 'log-level' -d 'Log level: trace, debug, info, notice, warning, error, critical.' -rfka ''
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" version' -l 'version' -d 'Show the version.'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_positional "chatserver" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'chatserver' -n '__chatserver_should_offer_completions_for_flags_or_options "chatserver help" version' -l 'version' -d 'Show the version.'
