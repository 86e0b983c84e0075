#!/bin/bash
# t1010-registry-auth: credentials against real registries. htpasswd Basic
# auth behind a self-signed TLS certificate (--ca-cert, --insecure,
# --username/--password-stdin, LIFEBELT_USERNAME/LIFEBELT_PASSWORD,
# config.json auths, a credential helper, credentials of another host),
# and token auth behind a token server signing RS256 JWTs (anonymous and
# with credentials). Each wrong or missing credential is a clear error and
# a non-zero exit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
reg_need
need_cmd htpasswd

A37=$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz
[ -f "$A37" ] || bail "missing $A37"
mkimage --tag app:1 --layer "$A37" --oci "$T/app"

# --- htpasswd + TLS ---------------------------------------------------
reg_start basic --tls --htpasswd alice:s3cret
CA=$REG_DIR/server.crt
reg_push "$T/app" team/app:1 --dest-creds alice:s3cret
export HOME=$T/home DOCKER_CONFIG=
mkdir -p "$HOME"

lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "Basic auth without credentials" 66
check_grep "the error asks for credentials" "user name and password" "$T/err"

lb image "$REG/team/app:1" --ca-cert "$CA" --username alice --password-stdin --format json <<<"s3cret"
check_rc "--username with --password-stdin, CA from --ca-cert" 0
check_json "the image was scanned" 'r[0]["os"]["version"]' 3.7.3

lb image "$REG/team/app:1" --ca-cert "$CA" --password-stdin <<<"s3cret"
check_rc "--password-stdin without --username" 64
lb image "$REG/team/app:1" --ca-cert "$T/nosuch.crt"
check_rc "a --ca-cert that is not there" 66

lb image "$REG/team/app:1" --username alice --password-stdin <<<"s3cret"
check_rc "a self-signed certificate without --ca-cert" 74
check_grep "the TLS error suggests --ca-cert" "ca-cert" "$T/err"

lb image "$REG/team/app:1" --insecure --username alice --password-stdin <<<"s3cret"
check_rc "--insecure accepts the self-signed certificate" 0

lb image "$REG/team/app:1" --ca-cert "$CA" --username alice --password-stdin <<<"wrong"
check_rc "a wrong password" 66
check_grep "the error says unauthorized" "unauthorized|denied" "$T/err"

LIFEBELT_USERNAME=alice LIFEBELT_PASSWORD=s3cret lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "LIFEBELT_USERNAME and LIFEBELT_PASSWORD" 0

# config.json in ~/.docker with an auths entry for this registry
mkdir -p "$HOME/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG" "$(printf alice:s3cret | base64)" >"$HOME/.docker/config.json"
lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "~/.docker/config.json auths entry" 0
printf '{"auths":{"https://%s/v1/":{"auth":"%s"}}}' "$REG" "$(printf alice:s3cret | base64)" \
	>"$HOME/.docker/config.json"
lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "an auths key written as a URL" 0
# credentials of another host are never used for this one
printf '{"auths":{"127.0.0.1:1":{"auth":"%s"}}}' "$(printf alice:s3cret | base64)" >"$HOME/.docker/config.json"
lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "credentials of another registry are not sent" 66
rm -f "$HOME/.docker/config.json"

# $DOCKER_CONFIG with a credential helper on PATH
mkdir -p "$T/dc" "$T/bin"
cat >"$T/bin/docker-credential-lbtest" <<HELPER
#!/bin/sh
[ "\$1" = get ] || exit 2
read -r server
echo "\$server" >>"$T/helper.log"
if [ "\$server" = "$REG" ]; then
	printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret"}\n' "\$server"
else
	echo "credentials not found in native keychain"; exit 1
fi
HELPER
chmod +x "$T/bin/docker-credential-lbtest"
printf '{"credHelpers":{"%s":"lbtest"}}' "$REG" >"$T/dc/config.json"
PATH=$T/bin:$PATH DOCKER_CONFIG=$T/dc lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "credHelpers entry runs docker-credential-lbtest" 0
check_eq "the helper was asked for this registry" "$REG" "$(cat "$T/helper.log")"
printf '{"credsStore":"lbtest"}' >"$T/dc/config.json"
PATH=$T/bin:$PATH DOCKER_CONFIG=$T/dc lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "credsStore runs the helper too" 0
printf '{"credsStore":"nosuchhelper"}' >"$T/dc/config.json"
DOCKER_CONFIG=$T/dc lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "a missing credential helper" 66
check_grep "the error names the helper" "docker-credential-nosuchhelper" "$T/err"
printf '{"auths":' >"$T/dc/config.json"
DOCKER_CONFIG=$T/dc lb image "$REG/team/app:1" --ca-cert "$CA"
check_rc "a malformed config.json" 65
check_grep "the error names config.json" "config.json" "$T/err"

# --- token auth -------------------------------------------------------
reg_start token --token bob:pw
reg_push "$T/app" team/app:1 --dest-creds bob:pw
lb image "$REG/team/app:1" --insecure
check_rc "token auth: an anonymous token grants nothing" 66
check_grep "unauthorized after authenticating" "unauthorized" "$T/err"
: >"$REG_TOKEN_LOG"
lb image "$REG/team/app:1" --insecure --username bob --password-stdin --format json <<<"pw"
check_rc "token auth with credentials" 0
check_json "the image was scanned" 'r[0]["os"]["version"]' 3.7.3
check_grep "the token request carried the credentials" "scope=repository%3Ateam%2Fapp%3Apull.* auth=yes" "$REG_TOKEN_LOG"
lb image "$REG/team/app:1" --insecure --username bob --password-stdin <<<"nope"
check_rc "token auth with a wrong password" 66
check_grep "the token server refused" "refused the credentials" "$T/err"
lb registry list "$REG" --insecure --username bob --password-stdin <<<"pw"
check_rc "catalog with a registry:catalog:* token" 0
check_eq "catalog and tags" "$REG/team/app:1" "$(cat "$T/out")"

reg_start anon --token anon
reg_push "$T/app" pub/app:1
: >"$REG_TOKEN_LOG"
lb image "$REG/pub/app:1" --insecure
check_rc "an anonymous token for a public repository" 0
check_grep "anonymous token request" "GET /token.* auth=no" "$REG_TOKEN_LOG"
finish
