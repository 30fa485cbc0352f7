#!/usr/bin/env bash
# Side-by-side benchmark: paperclip-db backup/restore vs pg_dump/pg_restore vs a raw COPY of every
# table, on the dataset bench/dataset.sql generates (generate_series; BENCH_DATASET overrides it)
# loaded into the local PostgreSQL (PGHOST/PGPORT/PGUSER, default postgres@127.0.0.1:5432) or,
# with BENCH_SERVER=embedded, into the project's embedded server (started under PAPERCLIP_HOME,
# default bench/out/home). Prints medians of $RUNS runs, ratios,
# output sizes and peak RSS. Re-runnable; loads the dataset once per server.
#   bench/run.sh [RUNS]                        (default 3)
#   BENCH_SERVER=embedded bench/run.sh [RUNS]
# pg_dump only dumps servers of its own major version: when they differ (the embedded server is 18,
# this machine's pg_dump 15) the pg_dump rows are skipped and pg_restore restores a dump of the same
# dataset taken, untimed, from $BENCH_DUMP_FROM (default the local server's copy, if it has one).
# pg_restore runs with --no-owner, as our restore skips ALTER ... OWNER TO by default.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SRC=${BENCH_DB:-bench_paperclip}
DATASET=${BENCH_DATASET:-bench/dataset.sql}
OUT=bench/out; mkdir -p "$OUT"
# Always rebuild: a stale jar would time old code. Our runs go through the ./paperclipai launcher,
# as a user's do (its JVM options and class-data-sharing archive included), with the heap capped.
./mvnw -B -q -DskipTests package -pl paperclip-cli -am >&2
export PAPERCLIP_JAVA_OPTS="${PAPERCLIP_JAVA_OPTS:--Xmx256m}"
DUMP_FROM=${BENCH_DUMP_FROM:-postgres://postgres@127.0.0.1:5432/$SRC}
if [ "${BENCH_SERVER:-local}" = embedded ]; then
  export PAPERCLIP_HOME=${PAPERCLIP_HOME:-$PWD/$OUT/home}
  ./paperclipai db start >&2
  HOST=127.0.0.1; USER_=paperclip; export PGPASSWORD=paperclip
  PORT=$(./paperclipai db status --json | sed -n 's/^ *"port" : \([0-9]*\).*/\1/p')
  CRED="$USER_:$PGPASSWORD"
else
  HOST=${PGHOST:-127.0.0.1}; PORT=${PGPORT:-5432}; USER_=${PGUSER:-postgres}; CRED=$USER_
fi
export PGHOST=$HOST PGPORT=$PORT PGUSER=$USER_ PGDATABASE=postgres
url() { echo "postgres://$CRED@$HOST:$PORT/$1"; }

if ! psql -Atqc "select 1 from pg_database where datname='$SRC'" | grep -q 1; then
  echo "loading $DATASET into $SRC (one time)..." >&2
  createdb "$SRC"
  psql -q -v ON_ERROR_STOP=1 -d "$SRC" -f "$DATASET" >/dev/null
fi
SIZE=$(psql -Atc "select pg_size_pretty(pg_database_size('$SRC'))")
SERVER_MAJOR=$(( $(psql -Atc "show server_version_num") / 10000 ))
DUMP_MAJOR=$(pg_dump --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
PGDUMP=yes
if [ "$SERVER_MAJOR" != "$DUMP_MAJOR" ]; then
  PGDUMP=no
  echo "pg_dump $DUMP_MAJOR cannot dump PostgreSQL $SERVER_MAJOR: pg_dump rows skipped" >&2
  if ! pg_dump -Fc -f "$OUT/dump.fc" -d "$DUMP_FROM" 2>"$OUT/.err"; then
    echo "no dump for pg_restore from $DUMP_FROM ($(head -1 "$OUT/.err")): pg_restore rows skipped" >&2
    rm -f "$OUT/dump.fc"
  fi
fi

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
rm -rf "$OUT/ours" && ./paperclipai --database-url "$(url "$SRC")" db backup --dir "$OUT/ours" --no-prune >/dev/null
for i in $(seq 1 "$RUNS"); do
  echo "run $i/$RUNS" >&2
  time_cmd copy_floor bash -c "for t in $(echo $TABLES | tr '\n' ' '); do psql -d $SRC -c \"COPY \$t TO STDOUT\"; done"
  rm -rf "$OUT/ours" && mkdir -p "$OUT/ours"
  time_cmd ours_backup ./paperclipai --database-url "$(url "$SRC")" db backup --dir "$OUT/ours" --no-prune
  if [ $PGDUMP = yes ]; then
    time_cmd pgdump_fc pg_dump -Fc -f "$OUT/dump.fc" -d "$SRC"
    rm -rf "$OUT/dump.dir"
    time_cmd pgdump_fd_j2 pg_dump -Fd -j2 -f "$OUT/dump.dir" -d "$SRC"
  fi
  fresh bench_r1; time_cmd ours_restore ./paperclipai --database-url "$(url bench_r1)" db restore --accept-unsigned --jobs 2 "$(ls "$OUT"/ours/*.sql.gz)"
  fresh bench_r1; time_cmd ours_restore_1tx ./paperclipai --database-url "$(url bench_r1)" db restore --accept-unsigned --single-transaction "$(ls "$OUT"/ours/*.sql.gz)"
  if [ -f "$OUT/dump.fc" ]; then
    fresh bench_r2; time_cmd pgrestore pg_restore --no-owner -d bench_r2 "$OUT/dump.fc"
    fresh bench_r3; time_cmd pgrestore_j2 pg_restore --no-owner -j2 -d bench_r3 "$OUT/dump.fc"
  fi
done

# med/rss print "n/a" for a step that did not run
med() { [ -f "$OUT/$1.txt" ] && awk '{print $1}' "$OUT/$1.txt" | median || echo n/a; }
rss() { [ -f "$OUT/$1.txt" ] && awk '{print $2}' "$OUT/$1.txt" | sort -n | tail -1 || echo n/a; }
OURS_SIZE=$(stat -c %s "$OUT"/ours/*.sql.gz); FC_SIZE=$(stat -c %s "$OUT/dump.fc" 2>/dev/null || echo n/a)
echo
echo "dataset $DATASET in $SRC ($SIZE) on PostgreSQL $SERVER_MAJOR (${BENCH_SERVER:-local}), $RUNS runs, medians (seconds), peak RSS (KB)"
printf "%-26s %8s %10s\n" step seconds peakRSS
for l in copy_floor ours_backup pgdump_fc pgdump_fd_j2 ours_restore ours_restore_1tx pgrestore pgrestore_j2; do
  printf "%-26s %8s %10s\n" "$l" "$(med $l)" "$(rss $l)"
done
# a ratio with a step that did not run prints n/a
awk -v a="$(med ours_backup)" -v b="$(med pgdump_fc)" -v c="$(med copy_floor)" -v d="$(med pgdump_fd_j2)" \
 -v r1="$(med ours_restore_1tx)" -v r="$(med ours_restore)" -v p="$(med pgrestore_j2)" -v q="$(med pgrestore)" -v s1="$OURS_SIZE" -v s2="$FC_SIZE" '
  function ratio(x, y) { return (x == "n/a" || y == "n/a") ? "n/a" : sprintf("%.2f", x / y) }
  BEGIN {
  printf "backup / pg_dump -Fc       %s  (target <= 0.70)\n", ratio(a, b)
  printf "backup / pg_dump -Fd -j2   %s\n", ratio(a, d)
  printf "backup / COPY floor        %s  (target <= 1.30)\n", ratio(a, c)
  printf "restore / pg_restore       %s\n", ratio(r, q)
  printf "restore / pg_restore -j2   %s  (target <= 0.80)\n", ratio(r, p)
  printf "1-tx restore / pg_restore  %s\n", ratio(r1, q)
  printf "size / pg_dump -Fc size    %s  (%s vs %s bytes; target <= 1.20)\n", ratio(s1, s2), s1, s2 }'
