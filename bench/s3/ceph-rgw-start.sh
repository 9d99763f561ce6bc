#!/bin/bash
# A fresh single-node Ceph (mon + mgr + 1 OSD) with the RADOS Gateway on 127.0.0.1:$RGW_PORT, from
# Debian's packages: an S3 service faster than s3rver to measure S3 ingest against (bench-server.md:
# BENCH_S3="$(bash bench/s3/ceph-rgw-start.sh)" npm run bench -- --only server --parts s3). Needs root.
# Not part of the tests.
# Prints S3 credentials as JSON on stdout; all progress goes to stderr.
# Env: RGW_PORT (7480), OBJECTSTORE (bluestore|memstore), WITH_MGR (1: 0 saves ~300 MiB RSS, but no pg stats/health),
#      ACCESS_KEY, SECRET_KEY, CEPH_EXTRA_CONF (extra ceph.conf lines, [global])
set -euo pipefail
T0=$(date +%s.%N)
TOP=${CEPH_RGW_DIR:-/tmp/otaship-ceph-rgw}
D=$TOP/data
PORT=${RGW_PORT:-7480}
STORE=${OBJECTSTORE:-bluestore}
WITH_MGR=${WITH_MGR:-1}
AK=${ACCESS_KEY:-benchaccesskey0000001}
SK=${SECRET_KEY:-benchsecretkey00000000000000000000000001}
mkdir -p "$TOP"; CONF=$TOP/ceph.conf
log(){ echo "[start.sh $(date +%T)] $*" >&2; }
die(){ log "ERROR: $*"; exit 1; }

# packages (Debian 12: Ceph 16.2 Pacific)
if ! command -v radosgw >/dev/null || ! command -v ceph-osd >/dev/null || ! command -v ceph-mgr >/dev/null; then
  log "installing ceph packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    ceph-mon ceph-osd ceph-mgr radosgw ceph-common >&2
fi
command -v uuidgen >/dev/null || die "uuidgen missing (apt-get install uuid-runtime)"

CEPH_RGW_DIR="$TOP" STOP_SIGNAL=KILL "$(dirname "$0")/ceph-rgw-stop.sh"
rm -rf "$D"
for p in 6789 "$PORT"; do
  (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && die "port $p on 127.0.0.1 already in use"
done
mkdir -p "$D"/{run,log,mon.a,mgr.x,osd.0,rgw}

FSID=$(uuidgen)
cat > "$CONF" <<CONF
[global]
paxos propose interval = 0.1
paxos min wait = 0.01
fsid = $FSID
mon host = v1:127.0.0.1:6789
mon initial members = a
public network = 127.0.0.0/8
ms bind ipv6 = false
ms bind msgr2 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chooseleaf type = 0
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
crash dir = $D/crash
keyring = $D/keyring
mon data = $D/\$name
mgr data = $D/\$name
osd data = $D/\$name

[mon]
mon data avail warn = 1
mon data avail crit = 0

[mgr]
mgr initial modules =
mgr stats period = 1
mon mgr digest period = 1

[osd]
osd objectstore = $STORE
osd journal size = 100
bluestore block path = $D/osd.0.block
bluestore block create = true
bluestore block size = 21474836480
bluestore fsck on mount = false
bluestore block db create = false
bluestore block wal create = false
osd memory target = 1073741824
memstore device bytes = 4294967296

[client.rgw.0]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $D/rgw
rgw thread pool size = 64

[global]
${CEPH_EXTRA_CONF:-}
CONF

C="-c $CONF"
# one shared keyring with every entity; ceph-mon --mkfs imports it into the auth db
K="$D/keyring"
ceph-authtool --create-keyring "$K" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n mgr.x --cap mon 'allow profile mgr' --cap osd 'allow *' --cap mds 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
ceph-authtool "$K" --gen-key -n client.rgw.0 --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null

log "mon mkfs"
monmaptool --create --fsid "$FSID" --addv a "v1:127.0.0.1:6789" "$D/monmap" >/dev/null
ceph-mon $C -i a --mkfs --monmap "$D/monmap" --keyring "$D/keyring"
ceph-mon $C -i a
ok=0; for i in $(seq 1 100); do ceph $C --connect-timeout 2 mon stat >/dev/null 2>&1 && { ok=1; break; }; sleep 0.2; done
[ $ok = 1 ] || die "mon did not come up (see $D/log/mon.a.log)"
log "mon up"

if [ "$WITH_MGR" = 1 ]; then
  ceph-mgr $C -i x
fi

log "osd mkfs ($STORE)"
OSD_UUID=$(uuidgen)
ID=$(ceph $C osd new "$OSD_UUID")
ceph-osd $C -i "$ID" --mkfs --osd-uuid "$OSD_UUID" --keyring "$K" 2>>"$D/log/osd-mkfs.log"
ceph-osd $C -i "$ID" 2>>"$D/log/osd-stderr.log"
ok=0; for i in $(seq 1 150); do
  ceph $C osd dump 2>/dev/null | grep -q "^osd.$ID up" && { ok=1; break; }; sleep 0.2
done
[ $ok = 1 ] || die "osd did not come up (see $D/log/osd.0.log)"
log "osd up"

# pre-create RGW pools so the first S3 write doesn't wait for PG creation
for pool in .rgw.root default.rgw.control default.rgw.meta default.rgw.log \
            default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
  echo "osd pool create $pool 8 8"
  echo "osd pool application enable $pool rgw"
done | ceph $C >/dev/null 2>>"$D/log/pool-create.log"   # ceph CLI reads commands from stdin: one process, fast
[ "$(ceph $C osd pool ls | grep -c '^\(\.rgw\.root\|default\.rgw\.\)')" = 7 ] || die "pool creation failed (see $D/log/pool-create.log)"
log "pools created"

log "radosgw"
radosgw $C -n client.rgw.0
ok=0; for i in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && { ok=1; break; }; sleep 0.2
done
[ $ok = 1 ] || die "radosgw not answering (see $D/log/client.rgw.0.log)"
log "rgw answering on $PORT"

radosgw-admin $C user create --uid=bench --display-name=bench \
  --access-key="$AK" --secret-key="$SK" >/dev/null 2>>"$D/log/radosgw-admin.log"
log "user created"
# wait until all PGs are active (pg stats come via mgr; skip the wait without mgr)
if [ "$WITH_MGR" = 1 ]; then
  for i in $(seq 1 150); do
    ceph $C pg stat 2>/dev/null | grep -qE '^[0-9]+ pgs: [0-9]+ active\+clean;' && break; sleep 0.2
  done
fi
log "ready in $(echo "$(date +%s.%N) - $T0" | bc) s"
printf '{"name":"Ceph RGW","endpoint":"http://127.0.0.1:%s","region":"us-east-1","bucket":"otaship-bench","accessKeyId":"%s","secretAccessKey":"%s"}\n' "$PORT" "$AK" "$SK"
