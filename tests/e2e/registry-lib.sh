# registry-lib.sh - a real registry for the registry tests (tests/e2e/t10*.sh):
# Debian's docker-registry (distribution v2) on 127.0.0.1 at a free port,
# started and stopped by the test itself, filled with skopeo copy.
#
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/registry-lib.sh"
#   reg_need                       # skip (fail in CI) without the tools
#   reg_start NAME [--tls] [--htpasswd USER:PW] [--token USER:PW|anon] [--accesslog]
#                                  # sets REG (127.0.0.1:PORT) and REG_DIR
#   reg_push OCI_DIR[:TAG] REPO:TAG [skopeo options]
#
# Every process started here is stopped on exit (reg_stop_all).

REG_PIDS=()

reg_need() {
	skip_unless_shared
	need_cmd docker-registry skopeo openssl
}

# free_port: prints a TCP port nobody listens on now
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts connections there (10 s)
wait_port() {
	"$PY" - "$1" <<'PYEOF' || bail "nothing listens on port $1"
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PYEOF
}

reg_stop_all() {
	local p
	for p in "${REG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${REG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	REG_PIDS=()
}
trap 'reg_stop_all; _lb_cleanup' EXIT

# bg LOG CMD...: starts CMD in the background, remembered for reg_stop_all
bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	REG_PIDS+=($!)
}

# mkcert DIR NAME: a self-signed certificate DIR/NAME.crt + DIR/NAME.key for
# 127.0.0.1 and localhost
mkcert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$1/$2.key" -out "$1/$2.crt" >/dev/null 2>&1 || bail "openssl cannot make a certificate"
}

reg_start() {
	local name=$1 tls=0 htpw= token= port tport alog=true
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--tls) tls=1 ;;
		--accesslog) alog=false ;;   # requests logged in $REG_DIR/registry.log
		--htpasswd) htpw=$2; shift ;;
		--token) token=$2; shift ;;
		esac
		shift
	done
	REG_DIR=$T/reg-$name
	mkdir -p "$REG_DIR/data"
	port=$(free_port)
	REG=127.0.0.1:$port
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: $alog}}"
		echo "storage: {filesystem: {rootdirectory: $REG_DIR/data}, delete: {enabled: true}}"
		echo "http:"
		echo "  addr: $REG"
		if [ $tls = 1 ]; then
			mkcert "$REG_DIR" server
			echo "  tls: {certificate: $REG_DIR/server.crt, key: $REG_DIR/server.key}"
		fi
		if [ -n "$htpw" ]; then
			need_cmd htpasswd
			htpasswd -Bbn "${htpw%%:*}" "${htpw#*:}" >"$REG_DIR/htpasswd" 2>/dev/null ||
				bail "htpasswd failed"
			echo "auth: {htpasswd: {realm: lbtest, path: $REG_DIR/htpasswd}}"
		fi
		if [ -n "$token" ]; then
			tport=$(free_port)
			mkcert "$REG_DIR" token
			local up=
			[ "$token" = anon ] || up=$token
			bg "$REG_DIR/tokensrv.out" "$PY" "$LB_SRCDIR/tests/e2e/registry-tokensrv.py" "$tport" \
				"$REG_DIR/token.key" "$REG_DIR/token.crt" "$REG_DIR/token.log" $up
			wait_port "$tport"
			REG_TOKEN_LOG=$REG_DIR/token.log
			echo "auth: {token: {realm: \"http://127.0.0.1:$tport/token\", service: lbtest," \
				"issuer: lbtest-issuer, rootcertbundle: $REG_DIR/token.crt}}"
		fi
	} >"$REG_DIR/config.yml"
	bg "$REG_DIR/registry.log" docker-registry serve "$REG_DIR/config.yml"
	wait_port "$port"
}

# reg_push SRC DEST [skopeo options]: SRC is an oci: layout reference
# (DIR or DIR:TAG), DEST a REPO:TAG on $REG; every platform is copied
reg_push() {
	local src=$1 dest=$2
	shift 2
	skopeo --insecure-policy copy --all --preserve-digests --dest-tls-verify=false "$@" \
		"oci:$src" "docker://$REG/$dest" >"$T/skopeo.log" 2>&1 ||
		{ cat "$T/skopeo.log"; bail "skopeo copy oci:$src docker://$REG/$dest failed"; }
}
