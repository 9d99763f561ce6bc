#!/bin/bash
# Stop all daemons started by ceph-rgw-start.sh (only the pids in its pid files).
# Order: radosgw first (it needs the cluster to shut down cleanly), then osd+mgr, then mon.
# STOP_SIGNAL=KILL for an immediate stop (ceph-rgw-start.sh uses it; it wipes the data anyway).
D=${CEPH_RGW_DIR:-/tmp/otaship-ceph-rgw}/data
SIG=${STOP_SIGNAL:-TERM}
alive() {  # running and not a zombie
  local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}
stop_group() {
  local pids=() n f p i alive
  for n in "$@"; do
    f=$D/run/$n.pid
    [ -f "$f" ] || continue
    p=$(cat "$f" 2>/dev/null)
    # only signal it if it is really one of our ceph daemons
    if [ -n "$p" ] && alive "$p" && grep -qE '^(ceph-|radosgw)' "/proc/$p/comm" 2>/dev/null; then
      kill -s "$SIG" "$p" && pids+=("$p")
    fi
    rm -f "$f"
  done
  for i in $(seq 1 100); do
    alive=0; for p in "${pids[@]}"; do alive "$p" && alive=1; done
    [ $alive = 0 ] && return; sleep 0.1
  done
  for p in "${pids[@]}"; do alive "$p" && kill -9 "$p"; done
}
stop_group client.rgw.0
stop_group osd.0 mgr.x
stop_group mon.a
exit 0
