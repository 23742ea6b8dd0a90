# Fuzzing (included by the Makefile).  The harnesses are tests/fuzz/fuzz_*.c,
# one LLVMFuzzerTestOneInput() per parser.
#
#   make fuzz          each harness built with clang and libFuzzer
#                      (-fsanitize=fuzzer,address,undefined) and run for
#                      FUZZ_SECONDS (60) on a scratch corpus in
#                      build/fuzz/corpus/NAME plus the seeds; a crash fails
#                      and leaves its input in build/fuzz/crashes/
#   make fuzz-replay   the replay drivers (gcc, plain and ASan+UBSan) that
#                      tests/run runs over the corpora; make unit builds
#                      the plain ones, make san the sanitizer ones
#
# Dictionaries: tests/fuzz/NAME.dict when there is one.
# Seeds: tests/fuzz/corpus/NAME (hand-made, and every crash found, kept as
# a regression case) and build/fuzz/seed/payload, made from
# tests/fixtures/payloads (the fixture's directory names its format).

FUZZ_NAMES    := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SECONDS  ?= 60
FUZZ_RSS_MB   ?= 2048
# seconds for one input: each takes milliseconds; a loaded CI machine
# must not turn that into a false "timeout"
FUZZ_TIMEOUT  ?= 25
FUZZ_CC       ?= clang
JOBS          ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# -Wno-format-nonliteral: clang (unlike gcc) flags the vfprintf() in
# config.c's vproblem(), whose callers are format-checked already
FUZZ_CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN) -Wno-format-nonliteral
FUZZ_DEPS     := tests/fuzz/fuzz.h
FUZZ_REPLAY   := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay/%)
FUZZ_SEEDS    := $(BUILD)/fuzz/seed/payload/.stamp
PAYLOAD_FIXTURES := $(sort $(wildcard tests/fixtures/payloads/*/*))

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-san fuzz-seeds

# replay drivers, with whatever CC and flags this make runs with
$(BUILD)/fuzz/replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_DEPS) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_ALL) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB_OBJ) $(LIBS)

# libFuzzer binaries (only made by the clang sub-make below)
$(BUILD)/fuzz/bin/%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_ALL) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

# "FORMAT\n" + the fixture: auto-detection and that format pinned
$(FUZZ_SEEDS): $(PAYLOAD_FIXTURES)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@for f in $(PAYLOAD_FIXTURES); do \
		fmt=$$(basename $$(dirname $$f)); \
		{ printf '%s\n' "$$fmt"; cat "$$f"; } > $(dir $@)$$fmt-$$(basename $$f); \
	done
	@touch $@

fuzz-seeds: $(FUZZ_SEEDS)

unit: $(FUZZ_REPLAY) $(FUZZ_SEEDS)
san: fuzz-replay-san

fuzz-replay: $(FUZZ_REPLAY) fuzz-replay-san $(FUZZ_SEEDS)

fuzz-replay-san:
	$(MAKE) BUILD=$(BUILD)/san CFLAGS='$(SAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' \
		$(FUZZ_NAMES:%=$(BUILD)/san/fuzz/replay/%)

# The clang tree: the handler objects instrumented for libFuzzer (-Werror
# stays).
fuzz-build:
	$(MAKE) -j$(JOBS) BUILD=$(BUILD)/fuzz/clang CC=$(FUZZ_CC) CFLAGS='$(FUZZ_CFLAGS)' \
		LDFLAGS='$(FUZZ_SAN)' $(FUZZ_NAMES:%=$(BUILD)/fuzz/clang/fuzz/bin/%)

fuzz: fuzz-build $(FUZZ_SEEDS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RSS_MB=$(FUZZ_RSS_MB) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
		tests/fuzz/run $(BUILD) $(FUZZ_NAMES)
