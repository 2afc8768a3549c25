#!/usr/bin/env bash
# Give the docker tests an engine: install docker.io and debootstrap when missing, start dockerd
# when no engine answers, wait (at most 60 s) until `docker info` works. Idempotent. Never fails:
# when it cannot, it says why and exits 0, and the docker tests skip with a reason.
set -u
log() { echo "docker-setup: $*"; }
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
engine_ok() { for c in docker /usr/bin/docker; do "$c" info >/dev/null 2>&1 && return 0; done; return 1; }

if engine_ok; then log "a Docker engine already answers"; exit 0; fi

need=""
[ -x /usr/sbin/dockerd ] || [ -x /usr/bin/dockerd ] || need="docker.io"
command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then log "no apt-get to install$need; skipping"; exit 0; fi
  log "installing$need"
  if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
         && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; } >/tmp/docker-setup-apt.log 2>&1; then
    log "apt-get install$need failed (see /tmp/docker-setup-apt.log); skipping"; exit 0
  fi
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd (log: /tmp/dockerd.log)"
  $SUDO sh -c 'nohup dockerd > /tmp/dockerd.log 2>&1 &' || { log "cannot start dockerd; skipping"; exit 0; }
fi
for i in $(seq 1 60); do
  if engine_ok; then log "engine answers after ${i} s"; exit 0; fi
  sleep 1
done
log "no engine answered within 60 s (see /tmp/dockerd.log); docker tests will skip"
exit 0
