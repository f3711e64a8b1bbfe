# Puts Node.js 24 LTS first on PATH when the machine's node is older, for the current shell.
#   . scripts/node24.sh        (sourced: it changes PATH; .ci/run sources it too)
# Node comes from the npm registry itself (the node-linux-<arch> package holds the official binary and
# its headers), so nothing beyond the registry is needed; it is unpacked once under
# ${LIANFANG_NODE_HOME:-$HOME/.cache/lianfang/node24} and reused. npm_config_nodedir points node-gyp at
# those headers, so native modules (better-sqlite3) build without downloading them from nodejs.org.
lianfang_node24() {
  local want=24 have arch dir tmp
  have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$have" -ge "$want" ] 2>/dev/null; then return 0; fi
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo "node24.sh: no Node.js $want package for $(uname -m); install Node.js $want yourself" >&2; return 1 ;;
  esac
  dir="${LIANFANG_NODE_HOME:-$HOME/.cache/lianfang/node$want}"
  if [ ! -x "$dir/bin/node" ]; then
    echo "node24.sh: Node.js $have is older than $want; unpacking node-linux-$arch@$want from the npm registry into $dir" >&2
    tmp=$(mktemp -d) || return 1
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$want" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir" && tar xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$dir" --strip-components=1 || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}
lianfang_node24
