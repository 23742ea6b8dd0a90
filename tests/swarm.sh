# swarm.sh: a single-node swarm on a dockerd of the test's own, in a
# network namespace of its own (see 80-swarm.test for why each step), and
# helpers to drive it.  Sourced after lib.sh; swarm_start starts it and
# sets the EXIT trap that stops it.  redock runs on it with $CONF (the
# test writes it), its log to $LOG.
SW=$REDOCK_TEST_DIR/swarm
NS=rdk-swarm-$$
NSPATH=/run/netns/$NS
PROXYD=/lib/systemd/systemd-socket-proxyd
SWARM_HOST=unix://$SW/docker.sock
CONF=$SW/redock.conf
LOG=$SW/redock.log

sw() { DOCKER_HOST=$SWARM_HOST timeout 120 docker "$@"; }

# bridge_port PORT: 127.0.0.1:PORT of the host reachable as 127.0.0.1:PORT
# inside the namespace (two socket-activated proxies and a unix socket)
bridge_port() {
        local p=$1
        setsid systemd-socket-activate -l "$SW/fwd.$p.sock" "$PROXYD" "127.0.0.1:$p" \
                >>"$SW/proxy.log" 2>&1 </dev/null &
        echo $! > "$SW/proxy.out.$p.pid"
        setsid nsenter --net="$NSPATH" systemd-socket-activate -l "127.0.0.1:$p" "$PROXYD" "$SW/fwd.$p.sock" \
                >>"$SW/proxy.log" 2>&1 </dev/null &
        echo $! > "$SW/proxy.in.$p.pid"
        wait_until 10 sh -c "test -S '$SW/fwd.$p.sock' &&
                nsenter --net='$NSPATH' ss -Hltn 'sport = :$p' | grep -q ."
}

stop_pidfile() {  # stop_pidfile FILE: a setsid group leader and its group
        local pid
        [ -s "$1" ] || return 0
        pid=$(cat "$1")
        kill -TERM -- "-$pid" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null
        rm -f "$1"
}

stop_swarm() {
        private_registry_stop "$SW/private"
        if [ -S "$SW/docker.sock" ]; then
                sw service rm $(sw service ls -q 2>/dev/null) >/dev/null 2>&1
                sw swarm leave --force >/dev/null 2>&1
                sw network rm docker_gwbridge >/dev/null 2>&1
        fi
        if [ -s "$SW/docker.pid" ]; then
                local pid
                pid=$(cat "$SW/docker.pid")
                kill -TERM "$pid" 2>/dev/null
                for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
                kill -KILL "$pid" 2>/dev/null
                rm -f "$SW/docker.pid"
        fi
        for f in "$SW"/proxy.*.pid; do stop_pidfile "$f"; done
        [ -e "$NSPATH" ] && ip netns delete "$NS"
        # the data root holds nothing of value; never while mounts remain
        grep -q " $SW/" /proc/mounts || rm -rf "$SW"
}

swarm_start() {
        # Swarm's control port, inside the namespace: nothing else is there
        port=2377

        trap stop_swarm EXIT
        trap 'exit 143' TERM INT        # so that a runner's timeout still cleans up
        mkdir -p "$SW"
        if ! { ip netns add "$NS" && ip -n "$NS" link set lo up; }; then
                fail "a network namespace of its own for the swarm (ip netns add $NS)"
                exit 1
        fi
        check "the test registry ($REGISTRY) is bridged into the namespace" bridge_port "${REGISTRY##*:}"
        # only the network namespace: the daemon's mounts stay in the host's view,
        # where stop_swarm looks for them
        setsid nsenter --net="$NSPATH" dockerd --host "$SWARM_HOST" --data-root "$SW/data" --exec-root "$SW/exec" \
                --pidfile "$SW/docker.pid" --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
                >"$SW/dockerd.log" 2>&1 </dev/null &
        if ! wait_until 60 sw version; then
                fail "the swarm's dockerd starts"
                tail -20 "$SW/dockerd.log"
                exit 1
        fi
        sw network create --driver bridge --internal --subnet 198.51.100.0/30 \
                -o com.docker.network.bridge.name="rdkgw$$" \
                -o com.docker.network.bridge.inhibit_ipv4=true \
                -o com.docker.network.bridge.enable_icc=false \
                -o com.docker.network.bridge.enable_ip_masquerade=false docker_gwbridge >/dev/null ||
                fail "create docker_gwbridge without an address"
        if ! sw swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$port" >/dev/null; then
                fail "docker swarm init --advertise-addr 127.0.0.1"
                tail -20 "$SW/dockerd.log"
                exit 1
        fi
        echo y | sw network rm ingress >/dev/null 2>&1 || note "could not remove the ingress network"
        # a network namespace is known by its inode (nsfs): the daemon's is the
        # test's, and not the host's
        netns_ino() { stat -L -c %i "$1" 2>/dev/null; }
        own_netns() {
                local d
                d=$(netns_ino "/proc/$(cat "$SW/docker.pid")/ns/net") &&
                        [ "$d" = "$(netns_ino "$NSPATH")" ] && [ "$d" != "$(netns_ino /proc/self/ns/net)" ]
        }
        check "the swarm's dockerd runs in its own network namespace ($NS)" own_netns
        check "the swarm listens on loopback only" \
                sh -c "! nsenter --net='$NSPATH' ss -Hlntup | grep 'pid=$(cat "$SW/docker.pid"),' | grep -v ' 127\.0\.0\.1:'"
        check "the swarm's gossip port 7946 is in its namespace, on loopback" \
                sh -c "nsenter --net='$NSPATH' ss -Hltn 'sport = :7946' | grep -q ' 127\.0\.0\.1:7946 '"
        gw_bare() { ip -n "$NS" link show "rdkgw$$" >/dev/null 2>&1 && ! ip -n "$NS" -4 addr show dev "rdkgw$$" | grep -q ' inet '; }
        check "the swarm's bridge rdkgw$$ has no IPv4 address" gw_bare
        check "nothing of the swarm on the host's network (no rdkgw$$ here)" sh -c "! ip link show 'rdkgw$$' >/dev/null 2>&1"
}

# notify REPO TAG DIGEST [SOURCE TOKEN [HOST]]: one webhook request, as a
# registry sends it, to redock on stdin; its answer to $SW/answer, its log
# appended to $LOG
notify() {
        local body len
        body=$(distribution_payload "$1" "$2" "$3" "${6:-}")
        len=$(printf '%s' "$body" | wc -c)
        printf 'POST /hooks/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/vnd.docker.distribution.events.v1+json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
                "${4:-manual}" "${5:-$MANUAL_TOKEN}" "$len" "$body" |
                timeout 600 "$REDOCK" -c "$CONF" >"$SW/answer" 2>>"$LOG"
}

svc_image() { sw service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$1" 2>/dev/null; }
svc_version() { sw service inspect -f '{{.Version.Index}}' "$1" 2>/dev/null; }
# the images of the service's tasks that should run, with their state
task_states() { sw service ps --no-trunc --filter desired-state=running --format '{{.Image}} {{.CurrentState}}' "$1" 2>/dev/null; }
# every task that should run runs IMAGE, and there are N of them
tasks_run() {  # tasks_run SERVICE IMAGE N
        local out
        out=$(task_states "$1")
        [ "$(grep -c . <<<"$out")" -eq "$3" ] &&
                ! grep -v -- "^$2 Running" <<<"$out" | grep -q .
}
# what /version says in every running task container of SERVICE
task_versions() {
        local c
        for c in $(sw ps -q --filter "label=com.docker.swarm.service.name=$1"); do
                sw exec "$c" cat /version
        done | sort -u | tr '\n' ' '
}
