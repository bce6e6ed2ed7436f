# callout — PGXS build (make, make install, make installcheck) plus the project's own targets.
# The version lives only in callout.control; scripts/version reads it for everything else.

EXTENSION   = callout
EXTVERSION := $(shell scripts/version)

MODULE_big  = callout
CORE_SRCS  := $(sort $(wildcard src/core/*.cpp))
BRIDGE_SRCS := $(sort $(wildcard src/pg/*.cpp))
OBJS        = $(CORE_SRCS:.cpp=.o) $(BRIDGE_SRCS:.cpp=.o)

# The current version's install script is made from the topic files of src/sql, joined in the
# order of their numbers. src/sql/versions holds what earlier versions need: the oldest install
# script and every upgrade script (an older version installs through them, as the upgrade suite
# does).
SCHEMA_SRCS := $(sort $(wildcard src/sql/*.sql))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(wildcard src/sql/versions/$(EXTENSION)--*.sql)

# pg_regress suites (sql/, expected/) and isolation specs (test/isolation/).
REGRESS        = boundary settings_memory verify transform extractors classify malformed ingest ingest_isolation_levels ingest_payloads redaction operations metrics feed late_events parked encodings
REGRESS_OPTS   = --load-extension=pgcrypto --load-extension=$(EXTENSION)
ISOLATION      = session_survives_cpp_error same_event_concurrently two_events_one_call event_races_registration notify_outcome notify_changes room_locks_are_private call_deleted_while_delivered call_updated_while_delivered trigger_sees_the_room call_deleted_under_repeatable_read audit_policies_follow_concurrent_mappings auditor_mapping_waits_briefly key_changes_reach_other_sessions key_cache_follows_a_remade_extension feed_order parked_bounds_hold parking_keeps_the_answer feed_follows_a_trigger_outcome housekeeping_passes_a_locked_tenant held_call_row_holds_no_room noop_event_meets_a_delete row_lock_corners
ISOLATION_OPTS = --inputdir=test/isolation --load-extension=pgcrypto --load-extension=$(EXTENSION)

# Our code: the language level and warnings of src/cxxflags (the one place they are written: CMake,
# the fuzz targets and the sanitizer canary read it too), warnings are errors. PostgreSQL's headers
# are system headers (-isystem), so their warnings and the `register` keyword do not fail our
# build; -Isrc for "core/..." and "pg/..." includes.
# PG_CXXFLAGS_EXTRA and SHLIB_LINK_EXTRA carry a build variant's flags (scripts/stage).
# -MMD -MP: each object also writes the headers it read (src/*/*.d), so a changed header rebuilds
# every object that includes it, and its bitcode with it (PGXS tracks dependencies only for a
# server built with --enable-depend, which Debian's is not).
PG_CONFIG  ?= pg_config
PG_CPPFLAGS = -Isrc -isystem $(shell $(PG_CONFIG) --includedir-server)
CALLOUT_CXXFLAGS := $(shell cat src/cxxflags)
PG_CXXFLAGS = $(CALLOUT_CXXFLAGS) -MMD -MP $(PG_CXXFLAGS_EXTRA)
SHLIB_LINK  = -lcrypto -lstdc++ $(SHLIB_LINK_EXTRA)
EXTRA_CLEAN = build results regression.diffs regression.out output_iso $(OBJS:.o=.d)

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

-include $(OBJS:.o=.d)

# The library knows the version it was built as (src/pg/module.cpp).
src/pg/module.o src/pg/module.bc: override CPPFLAGS += -DCALLOUT_VERSION='"$(EXTVERSION)"'
src/pg/module.o src/pg/module.bc: $(EXTENSION).control

$(EXTENSION)--$(EXTVERSION).sql: $(SCHEMA_SRCS) $(EXTENSION).control
	cat $(SCHEMA_SRCS) >$@
$(OBJS:.o=.bc): %.bc: %.o

# Debian's server is built with LLVM: the bitcode of our C++ needs the same language level.
override BITCODE_CXXFLAGS += $(filter -std=%,$(CALLOUT_CXXFLAGS))

# The header firewall: the core compiles without PostgreSQL's include paths, so a core file that
# includes a PostgreSQL header does not build.
src/core/%.o src/core/%.bc: override CPPFLAGS := -Isrc -D_GNU_SOURCE

# ---- the project's own targets -------------------------------------------------------------
.PHONY: test test-unit test-regress test-isolation test-pgtap test-dump test-upgrade test-fuzz fuzz \
        test-mutations test-concurrency test-crash test-sanitize test-bench coverage bench bench-smoke \
        bench-profile bench-citus demo deps format format-check test-majors test-citus test-tools

# Every suite against a throwaway cluster; ends with one line "N passed, N failed".
test:
	@test/run all

# The suites that depend on PostgreSQL against every other supported major, each in a Debian
# root of the release that carries it (debootstrap, cached under build/majors/); needs root.
# make test-majors [MAJORS="17 18"]
test-majors:
	@MAJORS="$(MAJORS)" test/majors/run

test-unit:
	@test/run unit

test-regress:
	@test/run regress

test-isolation:
	@test/run isolation

# make test-pgtap [GROUP=unit|integration|idempotency|multi_tenant]
test-pgtap:
	@test/run pgtap$(if $(GROUP),:$(GROUP))

# pg_dump / pg_restore round trip of callout's data.
test-dump:
	@test/run dump

# Every older version installed and updated, compared with a fresh install.
test-upgrade:
	@test/run upgrade

# A short smoke run of every fuzz target (part of `make test`).
test-fuzz:
	@test/run fuzz

# libFuzzer targets for the core's parsers and verifiers (test/fuzz/), each run for FUZZ_SECONDS;
# prints how many executions each ran clean and fails on any crash, sanitizer report or leak.
FUZZ_SECONDS ?= 60
fuzz:
	@test/fuzz/run $(FUZZ_SECONDS)

# Malformed deliveries: mutations of the LiveKit vectors, half re-signed, against a reference.
# make test-mutations [MUTATIONS=100000]   (default 20000)
test-mutations:
	@MUTATIONS=$(MUTATIONS) test/run mutations

# pgbench clients delivering overlapping duplicates of the same events; compared with a
# sequential delivery. make test-concurrency [CONCURRENCY_CALLS=5000]   (default 1000)
test-concurrency:
	@CONCURRENCY_CALLS=$(CONCURRENCY_CALLS) test/run concurrency

# SIGKILL to the whole cluster during a load, restart, nothing acknowledged lost.
# make test-crash [CRASH_ROUNDS=10] [CRASH_CALLS=1000]   (defaults 3 and 300)
test-crash:
	@CRASH_ROUNDS=$(CRASH_ROUNDS) CRASH_CALLS=$(CRASH_CALLS) test/run crash

# regress, isolation and pgTAP against the module built with AddressSanitizer and
# UndefinedBehaviorSanitizer, on a cluster whose server preloads the sanitizer runtime.
test-sanitize:
	@test/run sanitize

# callout on a Citus cluster of a coordinator and two workers, against a single node (not part of
# make test). Citus is the server's own, or built from a source tarball into the stage:
# make test-citus CITUS_TARBALL=path/to/citus-13.2.2.tar.gz   (scripts/citus)
test-citus:
	@scripts/deps citus && CITUS_TARBALL=$(CITUS_TARBALL) test/run citus

# The programs operators run beside PostgreSQL (Debian's prometheus-postgres-exporter, PgBouncer
# and pg_cron), started against callout (not part of make test; scripts/deps tools installs them).
test-tools:
	@scripts/deps tools && test/run tools

# The whole test run against the module and core built with gcov; line coverage of src/, failing
# under COVERAGE_MIN percent (default 90).
coverage:
	@scripts/coverage

# The benchmark's smoke run (tiny sizes) as a suite: one test per scenario.
test-bench:
	@test/run bench

# callout against the floor of its writes, with the server's default settings (bench/README.md):
# make bench runs the full sizes and prints medians, ratios and PASS/MISS against the targets;
# make bench BENCH_SMOKE=1 (or make bench-smoke) runs tiny sizes to check that it works.
bench:
	@BENCH_SMOKE=$(BENCH_SMOKE) bench/run

bench-smoke:
	@BENCH_SMOKE=1 bench/run

# The top symbols of one backend ingesting deliveries: perf (PROFILE_TOOL=callgrind for valgrind).
bench-profile:
	@bench/profile

# callout on a coordinator and two workers against one node, webhooks/s and the commands a
# delivery sends the workers (bench/citus; Citus as make test-citus finds it).
bench-citus:
	@BENCH_SMOKE=$(BENCH_SMOKE) CITUS_TARBALL=$(CITUS_TARBALL) bench/citus

# A throwaway cluster fed a handful of signed LiveKit deliveries; prints what callout made of each.
demo:
	@demo/run

# Installs the Debian packages the project needs (as root), or prints the apt-get line.
deps:
	@scripts/deps

FORMATTED = $(CORE_SRCS) $(BRIDGE_SRCS) \
            $(wildcard src/*/*.hpp test/unit/*.cpp test/fuzz/*.cpp test/fuzz/*.hpp test/sanitize/*.cpp)

format:
	clang-format -i $(FORMATTED)

format-check:
	clang-format --dry-run --Werror $(FORMATTED)
