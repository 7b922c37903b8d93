function __chatctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __chatctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __chatctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __chatctl_parse_tokens -S
    set -l unparsed_tokens (__chatctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'chatctl'
        __chatctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __chatctl_parse_subcommand 1 'target=+' 'out=' 'html=' 'junit=' 'live=' 'threshold=+' 'protocol=' 'seed=' 'threads=' 'late-threshold=' 'shard=' 'quiet' 'dry-run' 'insecure' 'ca-file=' 'version' 'h/help'
        case 'report'
            __chatctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'show'
                __chatctl_parse_subcommand 1 'threshold=+' 'html=' 'junit=' 'version' 'h/help'
            case 'merge'
                __chatctl_parse_subcommand -r 1 'out=' 'threshold=+' 'html=' 'junit=' 'version' 'h/help'
            end
        case 'send'
            __chatctl_parse_subcommand 1 'as=' 'connect-timeout=' 'protocol=' 'insecure' 'ca-file=' 'room=' 'to=' 'json' 'timeout=' 'version' 'h/help'
        case 'listen'
            __chatctl_parse_subcommand 1 'as=' 'connect-timeout=' 'protocol=' 'insecure' 'ca-file=' 'room=' 'json' 'count=' 'timeout=' 'no-history' 'version' 'h/help'
        case 'bot'
            __chatctl_parse_subcommand 1 'as=' 'connect-timeout=' 'protocol=' 'insecure' 'ca-file=' 'room=' 'exec=' 'rules=' 'exec-timeout=' 'rules-timeout=' 'max-replies=' 'version' 'h/help'
        case 'health'
            __chatctl_parse_subcommand 1 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
        case 'admin'
            __chatctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'rooms'
                __chatctl_parse_subcommand 0 'url=' 'token=' 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
            case 'users'
                __chatctl_parse_subcommand 1 'url=' 'token=' 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
            case 'kick'
                __chatctl_parse_subcommand 1 'reason=' 'url=' 'token=' 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
            case 'announce'
                __chatctl_parse_subcommand -r 2 'url=' 'token=' 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
            case 'stats'
                __chatctl_parse_subcommand 0 'url=' 'token=' 'json' 'timeout=' 'insecure' 'ca-file=' 'version' 'h/help'
            end
        case 'autobahn'
            __chatctl_parse_subcommand 1 'agent=' 'case-timeout=' 'connect-timeout=' 'version' 'h/help'
        case 'help'
            __chatctl_parse_subcommand -r 1 'version'
        end
    end
end

function __chatctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __chatctl_parse_subcommand -S -a positional_count
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

function __chatctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __chatctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__chatctl_tokens -p)
    if test -z "$(__chatctl_tokens -t)"
        set -l index (count (__chatctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'chatctl' -f
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'run' -d 'Run a load-test scenario and check its thresholds.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'report' -d 'Print, export or merge saved load-test reports (chatctl run --out).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'send' -d 'Send each line of stdin to a room, or to one user with --to.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'listen' -d 'Print a room\'s messages (and whispers to you), one line each.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'bot' -d 'Answer messages addressed to the bot with a shell command or pattern rules.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'health' -d 'Check whether a chat server is healthy (GET /healthz).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'admin' -d 'Inspect and manage a running chat server through its admin API.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'autobahn' -d 'Run an Autobahn|Testsuite fuzzing server\'s cases with ChatKit\'s WebSocket client.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run"' -l 'target' -d 'WebSocket URL (ws:// or wss://) of the server under test (overrides the scenario\'s target).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" out' -l 'out' -d 'Write the full report (histograms, time series) as JSON to this file.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" html' -l 'html' -d 'Write the report as one self-contained HTML page (charts, thresholds, summary).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" junit' -l 'junit' -d 'Write the thresholds as JUnit XML: one test case per threshold, in a suite named after the scenario.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" live' -l 'live' -d 'While the run goes, write one JSON line per second (that second\'s time-series point, phase, users, p99 so far) to this file, for a dashboard to tail.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run"' -l 'threshold' -d 'Add a threshold, e.g. \'delivery.lost == 0\' (repeatable). It replaces every rule on the same metric, so it can loosen a rule as well as tighten it.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" protocol' -l 'protocol' -d 'Replace the scenario\'s protocol: chat, raw for a plain broadcast server (latency and delivery from markers in each payload), or json or socketio (the scenario\'s json or socketio block maps it; docs/protocols.md).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" seed' -l 'seed' -d 'Replace the scenario\'s seed.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" threads' -l 'threads' -d 'Event-loop threads for the simulated users (default: one per core).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" late-threshold' -l 'late-threshold' -d 'A send leaving later than this after its planned time counts as late (generator overload).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" shard' -l 'shard' -d 'Run a deterministic share of the users: I/N (1-based).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" quiet' -l 'quiet' -d 'Print only the summary (no progress lines).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" dry-run' -l 'dry-run' -d 'Validate the scenario, print the plan, its fingerprint and warnings about sends that cannot go out (e.g. say arrivals from users in no room), and exit without connecting.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl report" -eq 1' -fa 'show' -d 'Print a saved report\'s summary, check its thresholds again, write HTML or JUnit XML.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl report" -eq 1' -fa 'merge' -d 'Merge the reports of the shards of one run into one report.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report show"' -l 'threshold' -d 'Add a threshold, e.g. \'latency.broadcast.p99 < 20ms\' (repeatable). It replaces every rule on the same metric, so it can loosen a rule as well as tighten it.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report show" html' -l 'html' -d 'Write the report as one self-contained HTML page (charts, thresholds, summary).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report show" junit' -l 'junit' -d 'Write the thresholds as JUnit XML: one test case per threshold, in a suite named after the scenario.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report show" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge" out' -l 'out' -d 'Write the merged report as JSON.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge"' -l 'threshold' -d 'Add a threshold (repeatable). It replaces every rule on the same metric, so it can loosen a rule as well as tighten it.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge" html' -l 'html' -d 'Write the report as one self-contained HTML page (charts, thresholds, summary).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge" junit' -l 'junit' -d 'Write the thresholds as JUnit XML: one test case per threshold, in a suite named after the scenario.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl report merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" as' -l 'as' -d 'Name to connect as (default: a generated one).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" connect-timeout' -l 'connect-timeout' -d 'Seconds to wait for the connection and handshake.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" protocol' -l 'protocol' -d 'chat (ChatKit\'s protocol) or raw (a plain broadcast server: every text frame goes to everyone).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" room' -l 'room' -d 'Room to send to (joined on connect).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" to' -l 'to' -d 'Whisper each line to this user instead of saying it in the room.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" json' -l 'json' -d 'Each line is a raw protocol frame in JSON.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" timeout' -l 'timeout' -d 'Seconds to wait for each line\'s echo.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" as' -l 'as' -d 'Name to connect as (default: a generated one).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" connect-timeout' -l 'connect-timeout' -d 'Seconds to wait for the connection and handshake.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" protocol' -l 'protocol' -d 'chat (ChatKit\'s protocol) or raw (a plain broadcast server: every text frame goes to everyone).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" room' -l 'room' -d 'Room to listen to.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" json' -l 'json' -d 'Print every frame as a JSON line.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" count' -l 'count' -d 'Exit after this many messages or whispers (history not counted).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" timeout' -l 'timeout' -d 'Exit after this many seconds.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" no-history' -l 'no-history' -d 'Do not print the history replayed on join.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl listen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" as' -l 'as' -d 'Name to connect as (default: a generated one).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" connect-timeout' -l 'connect-timeout' -d 'Seconds to wait for the connection and handshake.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" protocol' -l 'protocol' -d 'chat (ChatKit\'s protocol) or raw (a plain broadcast server: every text frame goes to everyone).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" room' -l 'room' -d 'Room to serve.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" exec' -l 'exec' -d 'Shell command that answers each message (stdin: the message).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" rules' -l 'rules' -d 'JSON file of pattern → reply rules.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" exec-timeout' -l 'exec-timeout' -d 'Seconds --exec may run for one message.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" rules-timeout' -l 'rules-timeout' -d 'Seconds the --rules may take to match one message before they are abandoned for it.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" max-replies' -l 'max-replies' -d 'Most answers in any 60 seconds; requests beyond are not answered.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl bot" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" json' -l 'json' -d 'Print the /healthz JSON body instead of the one-line summary.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl health" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl admin" -eq 1' -fa 'rooms' -d 'List rooms: members, last seq and history size (GET /admin/rooms).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl admin" -eq 1' -fa 'users' -d 'List the members of a room (GET /admin/rooms/{room}/users).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl admin" -eq 1' -fa 'kick' -d 'Disconnect a user (DELETE /admin/users/{name}).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl admin" -eq 1' -fa 'announce' -d 'Post a message to a room as @system (POST /admin/rooms/{room}/messages).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_positional "chatctl admin" -eq 1' -fa 'stats' -d 'Show the server\'s counters (GET /admin/stats).'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" url' -l 'url' -d 'The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" token' -l 'token' -d 'The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). Prefer the variable: options show up in process lists.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" json' -l 'json' -d 'Print the server\'s JSON body as is instead of the human-readable form.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin rooms" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" url' -l 'url' -d 'The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" token' -l 'token' -d 'The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). Prefer the variable: options show up in process lists.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" json' -l 'json' -d 'Print the server\'s JSON body as is instead of the human-readable form.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin users" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" reason' -l 'reason' -d 'Why, sent to the user as the close reason (default: the server\'s "kicked by an operator").' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" url' -l 'url' -d 'The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" token' -l 'token' -d 'The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). Prefer the variable: options show up in process lists.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" json' -l 'json' -d 'Print the server\'s JSON body as is instead of the human-readable form.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin kick" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" url' -l 'url' -d 'The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" token' -l 'token' -d 'The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). Prefer the variable: options show up in process lists.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" json' -l 'json' -d 'Print the server\'s JSON body as is instead of the human-readable form.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin announce" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" url' -l 'url' -d 'The server: its base URL http(s)://host:port, or its WebSocket URL ws(s)://host:port/ws.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" token' -l 'token' -d 'The admin token the server was started with (default: $CHAT_ADMIN_TOKEN). Prefer the variable: options show up in process lists.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" json' -l 'json' -d 'Print the server\'s JSON body as is instead of the human-readable form.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" timeout' -l 'timeout' -d 'Give up after this many seconds (connecting included).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" insecure' -l 'insecure' -d 'Do not check the server\'s TLS certificate (wss://, https://): for self-signed test servers only.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" ca-file' -l 'ca-file' -d 'Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system\'s).' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl admin stats" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl autobahn" agent' -l 'agent' -d 'Agent name the fuzzing server files the results under.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl autobahn" case-timeout' -l 'case-timeout' -d 'Seconds one case may take before it is dropped as timed out.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl autobahn" connect-timeout' -l 'connect-timeout' -d 'Seconds to wait for each connection and handshake.' -rfka ''
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl autobahn" version' -l 'version' -d 'Show the version.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl autobahn" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'chatctl' -n '__chatctl_should_offer_completions_for_flags_or_options "chatctl help" version' -l 'version' -d 'Show the version.'
