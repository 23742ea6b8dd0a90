# Shared helpers for integration tests; sourced by every tests/*/*.test.
# The runner (tests/run) has started the environment (scripts/testenv)
# and exported DOCKER_HOST, REGISTRY, HOOK_PORT, HOOK_TOKEN, REDOCK,
# REDOCK_TEST_DIR and REDOCK_CONFIG.
#
# A test prints one "PASS: what" or "FAIL: what" line per assertion; the
# runner counts them.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_NAME=$(basename "$0" .test)
# containers and repositories of this test carry its name, so tests
# never touch each other's
T=${TEST_NAME//[^a-z0-9]/}

check() {  # check "description" command args...
        local what=$1
        shift
        if "$@"; then
                echo "PASS: $TEST_NAME: $what"
        else
                echo "FAIL: $TEST_NAME: $what"
        fi
}

fail() { echo "FAIL: $TEST_NAME: $*"; }
pass() { echo "PASS: $TEST_NAME: $*"; }
note() { echo "  $TEST_NAME: $*"; }

wait_until() {  # wait_until SECONDS command args...  (polls every 0.2 s)
        local t=$1
        shift
        local end=$((SECONDS + t))
        while [ $SECONDS -lt $end ]; do
                "$@" >/dev/null 2>&1 && return 0
                sleep 0.2
        done
        "$@" >/dev/null 2>&1
}

build_push() {  # build_push REPO TAG TEXT [mkimage -l options...]
        local repo=$1 tag=$2 text=$3
        shift 3
        "$TOP/scripts/mkimage" "$@" "$REGISTRY/$repo:$tag" "$text" &&
                docker push -q "$REGISTRY/$repo:$tag" >/dev/null
}

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }
container_id() { docker inspect -f '{{.Id}}' "$1" 2>/dev/null; }
container_image() { docker inspect -f '{{.Image}}' "$1" 2>/dev/null; }
container_running() { [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
# what /version says inside the running container
container_version() { docker exec "$1" cat /version 2>/dev/null; }

# Wait until NAME runs the image that REF names now, and the update is
# over (no temporary -redock-new / -redock-old container is left).
wait_replaced() {  # wait_replaced NAME REF [SECONDS]
        local want
        want=$(image_id "$2")
        wait_until "${3:-40}" sh -c "[ \"\$(docker inspect -f '{{.Image}} {{.State.Running}}' '$1' 2>/dev/null)\" = '$want true' ] &&
                [ -z \"\$(docker ps -aq --filter 'name=^/$1-redock-')\" ]"
}

# A swap under way and not yet proven: the old container stopped and
# aside (NAME-redock-old), the new one under NAME, its health "starting".
swap_unproven() {  # swap_unproven NAME
        [ "$(docker inspect -f '{{.State.Running}}' "$1-redock-old" 2>/dev/null)" = false ] &&
                [ "$(docker inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = starting ]
}

# Write the listener's configuration: the registry's own source first
# (its token must always be accepted, or the registry retries for ever),
# then whatever the test adds (INI text on stdin).
write_config() {
        local tmp="$REDOCK_CONFIG.tmp.$$"
        {
                echo "[redock]"
                echo "queue-dir = $REDOCK_TEST_DIR/queue"
                echo "state-dir = $REDOCK_TEST_DIR/state"
                echo "[docker]"
                echo "host = $DOCKER_HOST"
                echo "[source registry]"
                echo "token = $HOOK_TOKEN"
                # tests that post by hand set this to a host no event
                # carries, so the registry's own notifications change nothing
                echo "registry = ${REGISTRY_SOURCE_HOST:-$REGISTRY}"
                [ -t 0 ] || cat
        } > "$tmp"
        mv "$tmp" "$REDOCK_CONFIG"
}

# A Distribution notification as the registry sends it, for tests that
# post by hand (e.g. with a wrong token).
distribution_payload() {  # distribution_payload REPO TAG DIGEST [HOST]
        cat <<JSON
{"events":[{"id":"$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')","timestamp":"2026-01-01T00:00:00Z","action":"push",
"target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"$3","size":528,"length":528,
"repository":"$1","url":"http://${4:-$REGISTRY}/v2/$1/manifests/$3","tag":"$2"},
"request":{"id":"r1","addr":"127.0.0.1:1","host":"${4:-$REGISTRY}","method":"PUT","useragent":"test"},
"actor":{},"source":{"addr":"localhost:5000","instanceID":"i1"}}]}
JSON
}

# The registry's digest for REPO:TAG (what a push of it reported).
registry_digest() {  # registry_digest REPO TAG
        curl -fsS -o /dev/null -D - \
                -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
                "http://$REGISTRY/v2/$1/manifests/$2" |
                tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}'
}

post_hook() {  # post_hook SOURCE TOKEN BODY [curl args...] -> prints the status code
        local src=$1 tok=$2 body=$3
        shift 3
        curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
                -H "Authorization: Bearer $tok" \
                -H 'Content-Type: application/vnd.docker.distribution.events.v1+json' \
                --data-binary "$body" "$@" "http://127.0.0.1:$HOOK_PORT/hooks/$src"
}

cleanup_containers() {  # remove this test's containers (by name prefix)
        local ids
        ids=$(docker ps -aq --filter "name=^/$T-")
        [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
}

# For tests that post notifications by hand: the registry's own source
# ignores every event (its host matches nothing), and source "manual"
# (token $MANUAL_TOKEN) acts on them.  Extra INI text on stdin.
MANUAL_TOKEN=manual-$T-token
manual_config() {
        { echo "[source manual]"; echo "token = $MANUAL_TOKEN"; echo "registry = $REGISTRY";
          [ -t 0 ] || cat; } | REGISTRY_SOURCE_HOST=ignored.invalid write_config
}

queue_empty() { [ -z "$(ls -A "$REDOCK_TEST_DIR/queue" 2>/dev/null)" ]; }

# Wait until redock's log has a line matching PATTERN (grep -E).
wait_log() {  # wait_log SECONDS PATTERN
        wait_until "$1" grep -qE "$2" "$REDOCK_TEST_DIR/redock.log"
}

# The registry tells redock of a push only after `docker push` has
# returned, so an empty queue may just mean the notification has not come
# yet.  Wait until redock has queued REPO:TAG's push and the queue is empty
# again: its drain, which pulls the tag, is then over, and cannot put the
# old image back on a newer local build of the same tag before that is
# pushed.
wait_push_handled() {  # wait_push_handled REPO TAG [SECONDS]
        wait_log "${3:-60}" "queued push of $REGISTRY/$1:$2 " && wait_until "${3:-60}" queue_empty
}

# A second Distribution registry on 127.0.0.1 that wants htpasswd (bcrypt)
# credentials, its files and pid in DIR; sets PRIV to its host:port.
private_registry_start() {  # private_registry_start DIR USER PASS
        local dir=$1 port=15001
        # a free port from 15001, never the shared registry's
        while { [ "127.0.0.1:$port" = "$REGISTRY" ] || ss -Hltn "sport = :$port" | grep -q .; } &&
                [ "$port" -lt 15200 ]; do
                port=$((port + 1))
        done
        PRIV=127.0.0.1:$port
        htpasswd -nbB "$2" "$3" > "$dir/htpasswd"
        cat > "$dir/config.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: $PRIV
auth:
  htpasswd:
    realm: redock-test
    path: $dir/htpasswd
YML
        setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
        echo $! > "$dir/registry.pid"
        wait_until 30 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://$PRIV/v2/)\" = 401 ]"
}

private_registry_stop() {  # private_registry_stop DIR: by its pid file
        local pid
        [ -s "$1/registry.pid" ] || return 0
        pid=$(cat "$1/registry.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$1/registry.pid"
}
