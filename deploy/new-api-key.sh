#!/usr/bin/env bash
# Makes a new DropoutService API key and adds its salted hash to a keys file (created if missing).
#   deploy/new-api-key.sh NAME [ROLE...]          roles: predict (default), train, admin
#   KEYS_FILE=path deploy/new-api-key.sh NAME ROLE  (default deploy/secrets/api-keys.json)
# Prints the key once on stdout: give it to its user (e.g. DROPOUTSERVICE_API_KEY); only its hash
# is stored. Same format as `dotnet DropoutService.Server.dll --new-key NAME ROLE...`:
#   hash = "sha256:<salt>:<hex sha256 of salt followed by the key>"
# The file is rewritten in place (same inode), so a server that has it bind-mounted (docker
# compose secrets) sees the new key within Auth:KeysReloadSeconds, without a restart.
# Needs only coreutils (head, base64, od, sha256sum, tr).
set -euo pipefail
if [[ $# -lt 1 || "$1" == -* ]]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
name=$1; shift
roles=("$@")
[[ ${#roles[@]} -gt 0 ]] || roles=(predict)
[[ "$name" =~ ^[A-Za-z0-9._@-]{1,64}$ ]] || { echo "name: letters, digits, . _ @ - only (at most 64)" >&2; exit 2; }
for r in "${roles[@]}"; do
  [[ "$r" == predict || "$r" == train || "$r" == admin ]] || { echo "unknown role '$r' (predict, train, admin)" >&2; exit 2; }
done
file=${KEYS_FILE:-$(dirname "$0")/secrets/api-keys.json}
mkdir -p "$(dirname "$file")"

key="dsk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
salt=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
digest=$(printf '%s%s' "$salt" "$key" | sha256sum | cut -d' ' -f1)
role_list=$(printf '"%s", ' "${roles[@]}"); role_list=${role_list%, }
entry="  {\"name\": \"$name\", \"hash\": \"sha256:$salt:$digest\", \"roles\": [$role_list]}"

if [[ -s "$file" ]]; then
  # One entry per line between '{"keys": [' and ']}' (the layout this script writes).
  body=$(grep -v '^{"keys": \[$' "$file" | grep -v '^\]}$' | sed -e 's/,$//')
  if grep -q "\"name\": \"$name\"" <<<"$body"; then
    echo "a key named '$name' is already in $file (revoke it with \"revoked\": true, or pick another name)" >&2
    exit 1
  fi
  content=$(printf '{"keys": [\n%s\n]}\n' "$(printf '%s\n%s' "$body" "$entry" | sed -e '$!s/$/,/')")
else
  content=$(printf '{"keys": [\n%s\n]}\n' "$entry")
fi
printf '%s\n' "$content" > "$file"
# Only hashes of random keys: readable by the container's user (UID 1654) through a bind mount.
chmod 0644 "$file"
echo "$key"
echo "added '$name' (${roles[*]}) to $file; the key above is shown only once" >&2
