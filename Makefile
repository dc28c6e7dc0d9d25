# adpipe: one non-recursive Makefile.  `make` builds bin/*, `make check`
# runs the unit and bats tests, `make asan` does the same under ASan+UBSan.
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC = cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wimplicit-fallthrough
ifeq ($(WERROR),1)
WARN += -Werror
endif
# Evaluated when used, so that `make check` can install them first.
PKG_CFLAGS = $(shell pkg-config --cflags jansson rdkafka zlib 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs jansson zlib 2>/dev/null)
# The programs open librdkafka when they first need it (lib/io/rdk.c); the
# unit tests and helpers that drive it themselves link it.
RDK_LIBS = $(shell pkg-config --libs rdkafka 2>/dev/null)
CSV_LIBS ?= -lcsv
ALL_CFLAGS = $(CFLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(WARN) -Ilib $(PKG_CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) $(CSV_LIBS) -lm -lpthread -ldl

B ?= build
BIN ?= bin
PROGS = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIB_SRCS = $(wildcard lib/*/*.c)
LIB_OBJS = $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRCS))
UNIT_TESTS = $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/t-*.c))
HELPERS = $(patsubst tests/helpers/%.c,$(B)/helpers/%,$(wildcard tests/helpers/*.c))

all: $(addprefix $(BIN)/,$(PROGS))

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libad.a: $(LIB_OBJS)
	@rm -f $@
	@$(AR) rcs $@ $(LIB_OBJS)

$(B)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BIN)/%: $(B)/cmd/%.o $(B)/libad.a
	@mkdir -p $(@D)
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libad.a $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libad.a tests/unit/tap.h
	@mkdir -p $(@D)
	@echo '  TEST    $@'
	@$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(B)/libad.a $(LDLIBS) $(RDK_LIBS)

$(B)/helpers/%: tests/helpers/%.c $(B)/libad.a
	@mkdir -p $(@D)
	@echo '  HELPER  $@'
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libad.a $(LDLIBS) $(RDK_LIBS)

# ad-forecast with lib/lstm's baseline code alone (no x86-64-v3 clone), as
# a CPU without AVX2 runs it: the tests check that it writes the same bytes.
$(B)/helpers/lstm-baseline.o: lib/lstm/lstm.c
	@mkdir -p $(@D)
	@echo '  CC      $@'
	@$(CC) $(ALL_CFLAGS) -DLSTM_NO_CLONES -Wno-psabi -c -o $@ $<

$(B)/helpers/ad-forecast-baseline: $(B)/cmd/ad-forecast.o $(B)/helpers/lstm-baseline.o $(B)/libad.a
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/cmd/ad-forecast.o $(B)/helpers/lstm-baseline.o $(B)/libad.a $(LDLIBS)

# ad-detect with a fault put into its detector on request (AD_FAULT, see
# tests/helpers/inject/detector.c), linked over detector_step: how the
# tests reach the exit 70 that no input provokes.  Never in bin/.
$(B)/helpers/inject/%.o: tests/helpers/inject/%.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/helpers/ad-detect-fault: $(B)/cmd/ad-detect.o $(B)/helpers/inject/detector.o $(B)/libad.a
	@echo '  LD      $@'
	@$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--wrap=detector_step -o $@ $(B)/cmd/ad-detect.o \
		$(B)/helpers/inject/detector.o $(B)/libad.a $(LDLIBS)

tests: $(UNIT_TESTS) $(HELPERS) $(B)/helpers/ad-forecast-baseline \
	$(B)/helpers/ad-detect-fault

deps:
	@sh tools/deps.sh

check: deps
	@$(MAKE) --no-print-directory all tests
	@B=$(B) BIN=$(BIN) VALGRIND=$(VALGRIND) sh tests/run.sh

# Can the tests fail?  Each program replaced by a stub exiting 0, then 70:
# every test of it must fail (tests/check-tests.sh says how it knows).
check-tests: deps
	@$(MAKE) --no-print-directory all tests
	@B=$(B) BIN=$(BIN) E2E=$(E2E) sh tests/check-tests.sh

# The bats suites (SUITES, default tests/cmd/*.bats) with every program
# under valgrind's memcheck, once, not in CI: an error or a leak fails the
# test and leaves its report in $(B)/valgrind/logs (tools/valgrind.sh).
check-valgrind: deps
	@$(MAKE) --no-print-directory all tests
	@B=$(B) BIN=$(BIN) sh tools/valgrind.sh $(SUITES)

# Against a real cluster: make check-kafka KAFKA_BROKERS=host:port.
check-kafka: deps
	@$(MAKE) --no-print-directory all tests
	@if [ -z "$(KAFKA_BROKERS)" ]; then \
		echo "check-kafka: skipped: give KAFKA_BROKERS=host:port[,...] of a cluster to test against"; \
	else LC_ALL=C TZ=UTC ADPIPE_BIN=$(CURDIR)/$(BIN) ADPIPE_BUILD=$(CURDIR)/$(B) \
		KAFKA_BROKERS=$(KAFKA_BROKERS) bats tests/kafka-real; fi

asan: deps
	@$(MAKE) --no-print-directory B=build-asan BIN=build-asan/bin \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" all tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		B=build-asan BIN=build-asan/bin sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tools/demo.sh

FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -std=c11 \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib $(PKG_CFLAGS)
FUZZ_LIB_OBJS = $(patsubst lib/%.c,build-fuzz/lib/%.o,$(LIB_SRCS))
# CI's short budget per target; fuzz-long's is 30 minutes.
FUZZ_SECONDS ?= 20
FUZZ_LONG_SECONDS ?= 1800

build-fuzz/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	@echo '  FUZZCC  $<'
	@clang $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

build-fuzz/libad.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	@$(AR) rcs $@ $(FUZZ_LIB_OBJS)

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c build-fuzz/libad.a
	@echo '  FUZZ    $@'
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libad.a $(LDLIBS)

# Build the libFuzzer targets and run each for FUZZ_SECONDS on its corpus
# (tests/fuzz/corpus/NAME); a crash, leak or timeout fails the target
# (tools/fuzz.sh), the reproducer in build-fuzz/artifacts/.
fuzz:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@sh tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@sh tools/fuzz.sh $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)

# Fold what the runs found into tests/fuzz/corpus, minimised (libFuzzer's
# -merge=1: only inputs that add coverage are kept).
fuzz-corpus: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do n=$${t##*/}; mkdir -p build-fuzz/corpus/$$n; \
		$$t -merge=1 tests/fuzz/corpus/$$n build-fuzz/corpus/$$n > build-fuzz/$$n.merge.log 2>&1 || \
		{ tail -n 20 build-fuzz/$$n.merge.log; exit 1; }; \
		echo "$$n: $$(ls tests/fuzz/corpus/$$n | wc -l) inputs"; done

# bench/instructions.sh compares two builds (it needs the old one's bin/);
# bench/lib.sh is sourced by the others.  Scripts using lib.sh's ab (A/B
# against a peer), runs or figure (adpipe alone) record their figures in
# bench/results/latest.jsonl; bench/table.py prints the tables from it and
# writes them into the README (make bench-readme alone rewrites the
# README's tables from the file).
bench: all $(HELPERS)
	@for b in bench/*.sh; do \
		case $$b in */instructions.sh|*/lib.sh) continue ;; esac; sh $$b || exit 1; done
	@[ ! -s bench/results/latest.jsonl ] || python3 bench/table.py --readme README.md
	@[ ! -s bench/results/latest.jsonl ] || python3 bench/table.py

bench-readme:
	@python3 bench/table.py --readme README.md

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	for p in $(PROGS); do cp $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p; done
	for m in man/*.1; do cp $$m $(DESTDIR)$(MANDIR)/man1/; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${m#man/}; done

fmt:
	clang-format -i cmd/*.c lib/*/*.c lib/*/*.h tests/unit/*.c tests/unit/*.h tests/helpers/*.c tests/helpers/*/*.c tests/fuzz/*.c

fmt-check:
	clang-format --dry-run --Werror cmd/*.c lib/*/*.c lib/*/*.h tests/unit/*.c tests/unit/*.h tests/helpers/*.c tests/helpers/*/*.c tests/fuzz/*.c

lint-man:
	groff -mdoc -ww -z man/*.1

clean:
	rm -rf build build-asan build-fuzz bin demo-out

.PHONY: all tests deps bench-readme fuzz fuzz-long fuzz-corpus check check-tests check-valgrind check-kafka asan demo bench install uninstall fmt fmt-check lint-man clean
.PRECIOUS: $(B)/cmd/%.o

-include $(wildcard $(B)/lib/*/*.d $(B)/cmd/*.d $(B)/tests/*.d $(B)/helpers/*.d $(B)/helpers/*/*.d build-fuzz/lib/*/*.d)
