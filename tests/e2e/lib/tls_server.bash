# SPDX-License-Identifier: MIT
# An openssl s_server on the loopback interface for the tests that need a
# TLS server (after common.bash, which sets WORK): on a port picked at
# random, ready when start_server returns, stopped on exit.

server_pid=
PORT=

stop_server() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
trap 'stop_server; rm -rf "$WORK" ${shims:+"$shims"}' EXIT

# start_server HOST S_SERVER-ARGS...: an openssl s_server on a free port of
# HOST (127.0.0.1, or [::1]), ready when this returns; sets PORT.
start_server() {
    local host=$1
    shift
    stop_server
    for _ in $(seq 20); do
        PORT=$((20000 + RANDOM % 40000))
        # Emptied here, not by the background job's redirection, which may
        # come after the first grep: the last server's ACCEPT would pass.
        : >"$WORK/server.log"
        # SIGPIPE ignored: a client that hangs up before the -www page is
        # written would otherwise kill the server, and the next check would
        # find nothing listening.
        (
            trap '' PIPE
            exec openssl s_server -accept "$host:$PORT" -www "$@" >"$WORK/server.log" 2>&1
        ) &
        server_pid=$!
        for _ in $(seq 100); do
            grep -q '^ACCEPT' "$WORK/server.log" && return 0
            kill -0 "$server_pid" 2>/dev/null || break # the port was taken: another
            sleep 0.05
        done
        stop_server
    done
    return 1
}

