#!/usr/bin/env bash
# Integration tests against a real Chroma server (`chroma run` from the installed chromadb
# package, on 127.0.0.1 with its own data dir), selected via LOTSE_CHROMA_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
dir=$(mktemp -d)
port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ANONYMIZED_TELEMETRY=False $BIN/chroma run --path "$dir/chroma" --host 127.0.0.1 --port "$port" \
  >"$dir/chroma.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  if $BIN/python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/v2/heartbeat', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
echo "chroma server on 127.0.0.1:$port"
LOTSE_CHROMA_URL="http://127.0.0.1:$port" $BIN/python -m pytest -q -p no:cacheprovider \
  tests/ingest/test_pipeline.py "$@"
