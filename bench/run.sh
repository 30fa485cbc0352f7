#!/usr/bin/env bash
# Side-by-side benchmark: paperclip-db backup/restore vs pg_dump/pg_restore vs a raw COPY of every
# table, on ../shared/bench/dataset.sql loaded into the local PostgreSQL 15 (or $BENCH_URL's server).
# Prints medians of $RUNS runs, ratios, output sizes and peak RSS. Re-runnable; loads the dataset once.
#   bench/run.sh [RUNS]      (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
HOST=${PGHOST:-127.0.0.1}; PORT=${PGPORT:-5432}; USER_=${PGUSER:-postgres}
SRC=${BENCH_DB:-bench_paperclip}
DATASET=${BENCH_DATASET:-../shared/bench/dataset.sql}
OUT=bench/out; mkdir -p "$OUT"
export PGHOST=$HOST PGPORT=$PORT PGUSER=$USER_
# Always rebuild: a stale jar would time old code. Our runs go through the ./paperclipai launcher,
# as a user's do (its JVM options and class-data-sharing archive included), with the heap capped.
./mvnw -B -q -DskipTests package -pl paperclip-cli -am >&2
export PAPERCLIP_JAVA_OPTS="${PAPERCLIP_JAVA_OPTS:--Xmx256m}"

if ! psql -Atqc "select 1 from pg_database where datname='$SRC'" | grep -q 1; then
  echo "loading $DATASET into $SRC (one time)..." >&2
  createdb "$SRC"
  psql -q -v ON_ERROR_STOP=1 -d "$SRC" -f "$DATASET" >/dev/null
fi
SIZE=$(psql -Atc "select pg_size_pretty(pg_database_size('$SRC'))")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_cmd LABEL CMD...: runs CMD, appends "seconds rss_kb" to $OUT/LABEL.txt
time_cmd() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/.t" "$@" >/dev/null 2>"$OUT/.err" || { cat "$OUT/.err" >&2; exit 1; }
  cat "$OUT/.t" >> "$OUT/$label.txt"
}
fresh() { dropdb --if-exists "$1"; createdb "$1"; }
rm -f "$OUT"/*.txt

TABLES=$(psql -Atd "$SRC" -c "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog','information_schema')")
# Untimed warm-up: the launcher's first run after a build writes its class-data-sharing archive.
rm -rf "$OUT/ours" && ./paperclipai --database-url "postgres://$USER_@$HOST:$PORT/$SRC" db backup --dir "$OUT/ours" --no-prune >/dev/null
for i in $(seq 1 "$RUNS"); do
  echo "run $i/$RUNS" >&2
  time_cmd copy_floor bash -c "for t in $(echo $TABLES | tr '\n' ' '); do psql -d $SRC -c \"COPY \$t TO STDOUT\"; done"
  rm -rf "$OUT/ours" && mkdir -p "$OUT/ours"
  time_cmd ours_backup ./paperclipai --database-url "postgres://$USER_@$HOST:$PORT/$SRC" db backup --dir "$OUT/ours" --no-prune
  time_cmd pgdump_fc pg_dump -Fc -f "$OUT/dump.fc" -d "$SRC"
  rm -rf "$OUT/dump.dir"
  time_cmd pgdump_fd_j2 pg_dump -Fd -j2 -f "$OUT/dump.dir" -d "$SRC"
  fresh bench_r1; time_cmd ours_restore ./paperclipai --database-url "postgres://$USER_@$HOST:$PORT/bench_r1" db restore --jobs 2 "$(ls "$OUT"/ours/*.sql.gz)"
  fresh bench_r1; time_cmd ours_restore_1tx ./paperclipai --database-url "postgres://$USER_@$HOST:$PORT/bench_r1" db restore --single-transaction "$(ls "$OUT"/ours/*.sql.gz)"
  fresh bench_r2; time_cmd pgrestore pg_restore -d bench_r2 "$OUT/dump.fc"
  fresh bench_r3; time_cmd pgrestore_j2 pg_restore -j2 -d bench_r3 "$OUT/dump.fc"
done

med() { awk '{print $1}' "$OUT/$1.txt" | median; }
rss() { awk '{print $2}' "$OUT/$1.txt" | sort -n | tail -1; }
OURS_SIZE=$(stat -c %s "$OUT"/ours/*.sql.gz); FC_SIZE=$(stat -c %s "$OUT/dump.fc")
echo
echo "dataset $DATASET in $SRC ($SIZE), $RUNS runs, medians (seconds), peak RSS (KB)"
printf "%-26s %8s %10s\n" step seconds peakRSS
for l in copy_floor ours_backup pgdump_fc pgdump_fd_j2 ours_restore ours_restore_1tx pgrestore pgrestore_j2; do
  printf "%-26s %8s %10s\n" "$l" "$(med $l)" "$(rss $l)"
done
awk -v a="$(med ours_backup)" -v b="$(med pgdump_fc)" -v c="$(med copy_floor)" -v d="$(med pgdump_fd_j2)" \
 -v r1="$(med ours_restore_1tx)" -v r="$(med ours_restore)" -v p="$(med pgrestore_j2)" -v q="$(med pgrestore)" -v s1="$OURS_SIZE" -v s2="$FC_SIZE" 'BEGIN {
  printf "backup / pg_dump -Fc       %.2f  (target <= 0.70)\n", a/b
  printf "backup / pg_dump -Fd -j2   %.2f\n", a/d
  printf "backup / COPY floor        %.2f  (target <= 1.30)\n", a/c
  printf "restore / pg_restore       %.2f\n", r/q
  printf "restore / pg_restore -j2   %.2f  (target <= 0.80)\n", r/p
  printf "1-tx restore / pg_restore  %.2f\n", r1/q
  printf "size / pg_dump -Fc size    %.2f  (%d vs %d bytes; target <= 1.20)\n", s1/s2, s1, s2 }'
