#!/usr/bin/env bash
# Start-up time: from launching the jar to /observe/health/ready answering 200, the median of several runs, each
# in a fresh data folder (the embedded default: MongoDB on H2, the embedded AMQP broker), beside the same JVM
# starting and exiting at once (java -version) as the raw baseline. --cds: with the class-data-sharing archive
# target/sync-routes.jsa, made first (bench/cds-archive.sh) when it is missing or older than the jar.
#   bench/startup.sh [--demo] [--cds] [--runs=5] [--port=18080] [--java-opts="..."] [--jar=other-build.jar [--routes=its-routes]]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=""; runs=5; port=18080; opts=""; cds=""; jar="$PWD/target/sync-routes.jar"; packed=""
for arg in "$@"; do case "$arg" in
  --demo) mode="--demo";;
  --cds) cds=1;;
  --runs=*) runs="${arg#*=}";;
  --port=*) port="${arg#*=}";;
  --java-opts=*) opts="${arg#*=}";;
  --jar=*) jar="$(realpath "${arg#*=}")"; packed=1;;
  --routes=*) routes="$(realpath "${arg#*=}")";;
  *) echo "unknown option $arg" >&2; exit 2;;
esac; done
[ -f "$jar" ] || mvn -B -q package -DskipTests
if [ -n "$cds" ]; then
  [ target/sync-routes.jsa -nt "$jar" ] || bench/cds-archive.sh
  opts="$opts -XX:SharedArchiveFile=$PWD/target/sync-routes.jsa"
fi
routes="${routes:-$PWD/routes}"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'; }

# a free port for each embedded server, so a running instance on the defaults does not matter
export HTTP_PORT=$port MONGO_EMBEDDED_PORT=$((port + 1)) RABBITMQ_EMBEDDED_PORT=$((port + 2))
# another build runs the routes packed in its jar (the working folder has none); this one the routes/ folder
[ -n "$packed" ] && [ "$routes" = "$PWD/routes" ] || export ROUTES_DIR="$routes"
export ROUTES_RELOAD=false

baseline=()
for _ in $(seq "$runs"); do
  start=$(now_ms); java $opts -version >/dev/null 2>&1; baseline+=($(( $(now_ms) - start )))
done

times=(); cpu=()
for i in $(seq "$runs"); do
  work=$(mktemp -d)
  start=$(now_ms)
  (cd "$work" && exec java $opts -jar "$jar" $mode >"$work/app.log" 2>&1) &
  pid=$!
  ready=""
  deadline=$(( $(now_ms) + 120000 ))
  while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/observe/health/ready")" = 200 ]; then
      ready=$(( $(now_ms) - start )); break
    fi
    sleep 0.02
  done
  # CPU the JVM used until ready (user + system, clock ticks of /proc/<pid>/stat)
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  ticks=$(awk '{print $14 + $15}' "/proc/$jpid/stat" 2>/dev/null || echo 0)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  if [ -z "$ready" ]; then echo "run $i: the app was not ready within 120 s or exited:"; tail -20 "$work/app.log"; exit 1; fi
  times+=("$ready"); cpu+=($(( ticks * 1000 / $(getconf CLK_TCK) )))
  echo "run $i: ready in $ready ms (CPU ${cpu[-1]} ms)"
  rm -rf "$work"
done

m=$(printf '%s\n' "${times[@]}" | median)
c=$(printf '%s\n' "${cpu[@]}" | median)
b=$(printf '%s\n' "${baseline[@]}" | median)
echo "start-up to ready${mode:+ ($mode)}${cds:+ (class-data-sharing archive)}, embedded MongoDB on H2 and embedded AMQP broker, median of $runs: $m ms" \
     "(CPU $c ms); JVM start and exit (java -version): $b ms; ratio $(awk -v a="$m" -v b="$b" 'BEGIN {printf "%.1f", a / b}')"
