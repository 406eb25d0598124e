# Sourced by the benchmarks: fetch PACKAGE unpacks Debian bookworm's source
# of PACKAGE (its upstream tarball) into $cache/PACKAGE-src once, and prints
# that folder. The caller sets $cache (default below).
cache="${cache:-${PT_CACHE_DIR:-/var/cache/parseltongue}/bench}"
fetch() {
  local pkg=$1 dir="$cache/$1-src"
  if [ ! -d "$dir" ]; then
    mkdir -p "$cache/lists/partial"
    local uri
    uri=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -n1)
    echo "deb-src $uri bookworm main" > "$cache/src.list"
    local apto=(-o Dir::Etc::sourcelist="$cache/src.list" -o Dir::Etc::sourceparts=-
                -o Dir::State::Lists="$cache/lists" -o APT::Sandbox::User=root)
    apt-get "${apto[@]}" update -qq >&2
    (cd "$cache" && apt-get "${apto[@]}" source --download-only -qq "$pkg") >&2
    local tmp
    tmp=$(mktemp -d)
    tar -xf "$(ls "$cache/$pkg"_*.orig.tar.* | head -n1)" -C "$tmp"
    mv "$tmp"/* "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir"
}
