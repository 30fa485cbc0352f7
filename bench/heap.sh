#!/usr/bin/env bash
# Heap use of our backup and restore as data grows: the benchmark dataset at scale 1 (~1 GB) and
# scale 3 (~3 GB, every generated table three times longer), each backed up and restored with the
# heap capped (default 256 MB). Prints, per run, the live heap after the fullest GC, the most heap
# ever in use, and the peak RSS; flat means the 3x figures match the 1x ones.
#   bench/heap.sh [XMX]        e.g. bench/heap.sh 64m
set -euo pipefail
cd "$(dirname "$0")/.."
XMX=${1:-256m}
HOST=${PGHOST:-127.0.0.1}; PORT=${PGPORT:-5432}; USER_=${PGUSER:-postgres}
export PGHOST=$HOST PGPORT=$PORT PGUSER=$USER_
DATASET=${BENCH_DATASET:-bench/dataset.sql}
OUT=bench/out/heap; mkdir -p "$OUT"
./mvnw -B -q -DskipTests package -pl paperclip-cli -am >&2
JAR=paperclip-cli/target/paperclipai.jar

load() { # load DB SCALE
  if ! psql -Atqc "select 1 from pg_database where datname='$1'" | grep -q 1; then
    echo "loading $DATASET x$2 into $1 (one time)..." >&2
    createdb "$1"
    sed -E "s/generate_series\(1,(300000|2000000|1000000|200000)\)/generate_series(1,\1*$2)/" "$DATASET" \
      | psql -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null
  fi
}

# gc_figures LOG: "live-after-GC-max used-before-GC-max" in MB, from -Xlog:gc lines "123M->45M(256M)"
gc_figures() {
  grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' "$1" | awk -F'[M>(-]+' \
    '{ if ($1 > before) before = $1; if ($2 > after) after = $2 } END { printf "%d %d\n", after, before }'
}

run() { # run LABEL ARGS...
  local label=$1; shift
  rm -f "$OUT/$label.gc"
  /usr/bin/time -f "%e %M" -o "$OUT/$label.t" java -Xmx"$XMX" -Xlog:gc:file="$OUT/$label.gc" -jar "$JAR" "$@" \
    >/dev/null 2>"$OUT/$label.err" || { cat "$OUT/$label.err" >&2; exit 1; }
  read -r secs rss < "$OUT/$label.t"
  read -r live used < <(gc_figures "$OUT/$label.gc")
  printf "%-22s %8s s  live-after-GC max %4s MB  heap-in-use max %4s MB  RSS %5d MB\n" \
    "$label" "$secs" "$live" "$used" $((rss / 1024))
}

printf "heap cap %s\n" "$XMX"
for scale in 1 3; do
  db=bench_heap_x$scale
  load "$db" "$scale"
  size=$(psql -Atc "select pg_size_pretty(pg_database_size('$db'))")
  echo "scale $scale: $db, $size"
  rm -rf "$OUT/x$scale" && mkdir -p "$OUT/x$scale"
  run "backup x$scale" --database-url "postgres://$USER_@$HOST:$PORT/$db" db backup --dir "$OUT/x$scale" --no-prune
  file=$(ls "$OUT"/x$scale/*.sql.gz)
  echo "  file $(du -m "$file" | cut -f1) MB"
  dropdb --if-exists "${db}_r"; createdb "${db}_r"
  run "restore x$scale" --database-url "postgres://$USER_@$HOST:$PORT/${db}_r" db restore "$file"
  dropdb "${db}_r"
  rm -rf "$OUT/x$scale"
done
