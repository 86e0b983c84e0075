#!/bin/bash
# t1040-registry-mirror: Docker Hub mirrors (--registry-mirror,
# LIFEBELT_REGISTRY_MIRRORS) and the download progress line on a terminal.
# Docker Hub cannot be reached from the tests, so LIFEBELT_DOCKERHUB_HOST
# (a testing knob) points docker.io at a real registry here ("hub"); the
# mirror is another real registry holding the image under library/NAME,
# as a pull-through cache does. Both need the same user and password, so a
# mirror that got docker.io's credentials would serve the image: its access
# log proves it never did. A hostile mirror (registry-hostile.py) serving
# other content is an error, not a fallback.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
reg_need
need_cmd htpasswd script

A37=$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz
A320=$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
for f in "$A37" "$A320"; do [ -f "$f" ] || bail "missing $f"; done
mkimage --tag app:1 --layer "$A37" --oci "$T/app"
mkimage --tag only:1 --layer "$A320" --oci "$T/only"

reg_start hub --tls --htpasswd hubuser:hubpw --accesslog
HUB=$REG HUBLOG=$REG_DIR/registry.log
cp "$REG_DIR/server.crt" "$T/ca.pem"
reg_push "$T/app" library/app:1 --dest-creds hubuser:hubpw
reg_push "$T/only" library/only:1 --dest-creds hubuser:hubpw
reg_start mirror --tls --htpasswd hubuser:hubpw --accesslog
MIR=$REG MIRLOG=$REG_DIR/registry.log
cat "$REG_DIR/server.crt" >>"$T/ca.pem"
reg_push "$T/app" library/app:1 --dest-creds hubuser:hubpw

export HOME=$T/home DOCKER_CONFIG= LIFEBELT_DOCKERHUB_HOST=$HUB
mkdir -p "$HOME/.docker"
# credentials for docker.io only
export LIFEBELT_USERNAME=hubuser LIFEBELT_PASSWORD=hubpw
# count ERE FILE: lines of FILE matching ERE
count() { grep -Ec -- "$1" "$2"; }
# access log lines: "GET /v2/library/app/manifests/1 HTTP/1.1" 200
ok_get() { echo "\"GET /v2/library/$1/$2[^\"]* HTTP/[0-9.]+\" 200"; }

lb image app:1 --ca-cert "$T/ca.pem" --format json
check_rc "docker.io without a mirror (the knob points at the hub)" 0
check_json "the image came from the hub" 'r[0]["os"]["version"]' 3.7.3

# --- docker.io's credentials never reach the mirror --------------------

m0=$(wc -l <"$MIRLOG")
lb image app:1 --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR" -v --format json
check_rc "a mirror we have no credentials for: fallback to the hub" 0
check_json "the image was scanned" 'r[0]["os"]["version"]' 3.7.3
check_grep "-v says the mirror could not serve it" "registry mirror '$MIR' cannot serve it" "$T/err"
check_grep "-v says the hub served it" "manifest docker.io/library/app:1: served by '$HUB'" "$T/err"
tail -n +"$((m0 + 1))" "$MIRLOG" >"$T/mir1.log"
check_grep "the mirror was asked for the manifest" '/v2/library/app/manifests/1 HTTP/[0-9.]+" 401' "$T/mir1.log"
check_no_grep "the mirror never accepted docker.io's credentials" "\" 200 |$(ok_get app manifests)" "$T/mir1.log"

# --- the mirror serves when it has the image (its own credentials) -----
auth=$(printf 'hubuser:hubpw' | base64)
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$MIR" "$auth" >"$HOME/.docker/config.json"
m0=$(wc -l <"$MIRLOG") h0=$(wc -l <"$HUBLOG")
lb image app:1 --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR" -v --format json
check_rc "a mirror with its own config.json entry" 0
check_json "the image was scanned" 'r[0]["os"]["version"]' 3.7.3
check_grep "-v says the mirror served the manifest" "manifest docker.io/library/app:1: served by registry mirror '$MIR'" "$T/err"
check_grep "-v says the mirror served the layer" "blob sha256:[0-9a-f]{64}: served by registry mirror '$MIR'" "$T/err"
tail -n +"$((m0 + 1))" "$MIRLOG" >"$T/mir2.log"
tail -n +"$((h0 + 1))" "$HUBLOG" >"$T/hub2.log"
check_grep "the mirror's log has the manifest GET" "$(ok_get app manifests/1)" "$T/mir2.log"
check_grep "the mirror's log has the blob GETs" "$(ok_get app blobs/sha256:)" "$T/mir2.log"
check_no_grep "the hub served no manifest or blob" "/v2/library/app/(manifests|blobs)/" "$T/hub2.log"

LIFEBELT_REGISTRY_MIRRORS="https://127.0.0.1:1,https://$MIR" \
	lb image app:1 --ca-cert "$T/ca.pem" -v --format json
check_rc "LIFEBELT_REGISTRY_MIRRORS, the first one down" 0
check_grep "the mirror that is down is skipped" "registry mirror '127.0.0.1:1' does not answer" "$T/err"
check_grep "the second mirror served it" "served by registry mirror '$MIR'" "$T/err"

# --- fallback when the mirror does not have it ---------------------------
m0=$(wc -l <"$MIRLOG")
lb image only:1 --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR" -v --format json
check_rc "an image the mirror does not have" 0
check_json "it came from the hub" 'r[0]["os"]["version"]' 3.20.3
check_grep "-v names the hub" "manifest docker.io/library/only:1: served by '$HUB'" "$T/err"
tail -n +"$((m0 + 1))" "$MIRLOG" >"$T/mir3.log"
check_grep "the mirror answered 404" '/v2/library/only/manifests/1 HTTP/[0-9.]+" 404' "$T/mir3.log"
check_no_grep "no error is printed for the mirror's 404" "error" "$T/err"

# --- Docker Hub out of reach: the mirror alone ---------------------------
LIFEBELT_DOCKERHUB_HOST=127.0.0.1:1 lb image app:1 --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR" --format json
check_rc "Docker Hub down, the mirror has the image" 0
LIFEBELT_DOCKERHUB_HOST=127.0.0.1:1 lb image only:1 --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR"
check_rc "Docker Hub down, the mirror lacks the image" 74
check_grep "the error says neither had it" "no registry mirror has it" "$T/err"

lb image app:1 --registry-mirror "ftp://$MIR"
check_rc "a mirror that is not an http(s) URL" 64
check_grep "the error names the mirror" "registry mirror 'ftp://$MIR' is not a URL" "$T/err"
lb image "$HUB/library/app:1" --ca-cert "$T/ca.pem" --registry-mirror "https://$MIR" -v
check_rc "mirrors are for docker.io only" 0
check_no_grep "the mirror is not asked for another registry" "registry mirror" "$T/err"

# --- a hostile mirror cannot substitute content ------------------------
port=$(free_port)
bg "$T/hostile.out" "$PY" "$LB_SRCDIR/tests/e2e/registry-hostile.py" "$port" "$T/app" "$T/hostile.log" 1
wait_port "$port"
lb image baddigest/app:1 --ca-cert "$T/ca.pem" --registry-mirror "http://127.0.0.1:$port"
check_rc "a mirror serving other layer bytes" 65
check_grep "the error is a digest mismatch" "digest" "$T/err"
lb image badmanifest/app:1 --ca-cert "$T/ca.pem" --registry-mirror "http://127.0.0.1:$port"
check_rc "a mirror serving a manifest that does not match its digest" 65
check_grep "the error names the mirror" "registry mirror '127.0.0.1:$port'" "$T/err"
dg=$(jq_py 'd["manifests"][0]["digest"]' "$T/only/index.json")
lb image "only@$dg" --ca-cert "$T/ca.pem" --registry-mirror "http://127.0.0.1:$port"
check_rc "by digest, a mirror serving another manifest" 65

# --- the progress line on a terminal -------------------------------------
unset LIFEBELT_DOCKERHUB_HOST
lb_argv image "$HUB/library/only:1" --ca-cert "$T/ca.pem" --format json -o "$T/tty.json"
script -qfec "$(printf '%q ' "$LIFEBELT" "${LB_ARGV[@]}")" /dev/null >"$T/tty.out" 2>&1 </dev/null
check_eq "the scan on a terminal succeeds" 0 "$?"
check_grep "a progress line on the terminal" 'lifebelt: downloading [0-9]+ blobs?: [0-9.]+ (B|KiB|MiB) of [0-9.]+ (B|KiB|MiB) \([0-9]+%\)' "$T/tty.out"
check_eq "the line is cleared at the end (CR, erase line)" 0d1b5b4b "$(tail -c 4 "$T/tty.out" | od -An -tx1 | tr -d ' \n')"
lb_argv image "$HUB/library/only:1" --ca-cert "$T/ca.pem" -q -o "$T/tty.json"
script -qfec "$(printf '%q ' "$LIFEBELT" "${LB_ARGV[@]}")" /dev/null >"$T/ttyq.out" 2>&1 </dev/null
check_no_grep "no progress line with -q" "downloading" "$T/ttyq.out"
lb image "$HUB/library/only:1" --ca-cert "$T/ca.pem" --format json
check_rc "the same scan without a terminal" 0
check_no_grep "no progress line when stderr is not a terminal" "downloading|\[K" "$T/err"
finish
