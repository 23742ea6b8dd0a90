# redock — build, test, demo, package.
#
#   make            build/redock and build/redock-hook
#   make check      static analysis, a short fuzz run, unit suites (Check),
#                   the fuzz corpora replayed, and integration tests against
#                   a real dockerd, registry and systemd-socket-activate,
#                   once with build/redock and once with build/san/redock
#   make demo       the whole thing once, on loopback, with a narration
#   make san        build/san/redock with ASan+UBSan (used by make check)
#   make fuzz       libFuzzer on every parser, FUZZ_SECONDS each (mk/fuzz.mk)
#   make analyze    cppcheck and scan-build, both must be clean (mk/analyze.mk)
#   make soak       the dockerd-restart-during-bursts test 10 times, all must
#                   pass (mk/soak.mk; not part of check)
#   make bench      what one webhook request costs (scripts/bench; not in check)

VERSION    := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CC         ?= gcc
PKGS       := jansson libcurl sqlite3 inih nettle libsystemd
# what redock-hook links: each library costs its load time on every
# webhook request (docs/benchmarks.md)
HOOK_PKGS  := jansson inih nettle
BUILD      ?= build
# where each executable finds the other once installed
ENGINE_PATH ?= /usr/sbin/redock
HOOK_PATH   ?= /usr/lib/redock/redock-hook

# Hardening flags from dpkg-buildflags when it is there (it is on Debian);
# our own warnings always, and -Werror.
DPKG_CFLAGS   := $(shell dpkg-buildflags --get CFLAGS 2>/dev/null)
DPKG_CPPFLAGS := $(shell dpkg-buildflags --get CPPFLAGS 2>/dev/null)
DPKG_LDFLAGS  := $(shell dpkg-buildflags --get LDFLAGS 2>/dev/null)
WARN       := -Wall -Wextra -Wformat=2 -Wshadow -Werror
CFLAGS     ?= $(if $(DPKG_CFLAGS),$(DPKG_CFLAGS),-O2 -g)
CPPFLAGS   += $(DPKG_CPPFLAGS)
LDFLAGS    += $(DPKG_LDFLAGS)
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(CPPFLAGS) -DREDOCK_VERSION='"$(VERSION)"' \
              -DREDOCK_ENGINE_PATH='"$(ENGINE_PATH)"' -DREDOCK_HOOK_PATH='"$(HOOK_PATH)"' \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LIBS       := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
HOOK_LIBS  := $(shell pkg-config --libs $(HOOK_PKGS) 2>/dev/null)

# Three folders: hook/ is what runs per connection (redock-hook),
# engine/ everything that talks to Docker and SQLite (redock), common/
# what both need.  The arrows run from hook/ and engine/ down to common/,
# never between hook/ and engine/: each folder is compiled seeing its own
# headers and common's only.
COMMON_SRC := $(sort $(wildcard handler/common/*.c handler/common/formats/*.c))
HOOK_SRC   := $(sort $(wildcard handler/hook/*.c)) $(COMMON_SRC)
ENGINE_SRC := $(sort $(wildcard handler/engine/*.c)) $(COMMON_SRC)
# (-iquote: only for #include "...", so <limits.h> stays the system's)
INC_common := -iquote handler/common
INC_hook   := -iquote handler/hook -iquote handler/common
INC_engine := -iquote handler/engine -iquote handler/common -iquote $(BUILD)/gen
INC_ALL    := -iquote handler/common -iquote handler/hook -iquote handler/engine -iquote $(BUILD)/gen
SRC        := $(sort $(ENGINE_SRC) $(HOOK_SRC))
# what the unit suites and fuzz harnesses link: every module, no main()
LIB_SRC    := $(filter-out handler/engine/main.c handler/hook/hookmain.c,$(SRC))
OBJ        := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
HOOK_OBJ   := $(HOOK_SRC:%.c=$(BUILD)/obj/%.o)

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: all clean check unit integration demo san deps bench
all: $(BUILD)/redock $(BUILD)/redock-hook

$(BUILD)/redock: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# --as-needed: a library none of the hook's objects calls is not loaded
$(BUILD)/redock-hook: $(HOOK_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(HOOK_LIBS)

$(BUILD)/obj/handler/common/%.o: handler/common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_common) -c -o $@ $<

$(BUILD)/obj/handler/hook/%.o: handler/hook/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_hook) -c -o $@ $<

$(BUILD)/obj/handler/engine/%.o: handler/engine/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_engine) -c -o $@ $<

# The operator's page (GET /) and its Content-Security-Policy, with the
# hashes of its script and style computed here, not per request.
$(BUILD)/gen/page.h: handler/engine/page/index.html scripts/embed-page
	@mkdir -p $(dir $@)
	scripts/embed-page $< $@
$(BUILD)/obj/handler/engine/apipage.o: $(BUILD)/gen/page.h

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_ALL) -DFIXTURES='"$(CURDIR)/tests/fixtures"' $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(CHECK_LIBS) $(LIBS)

# Small programs the integration tests run (tests/tools/NAME.c): library
# calls no verb makes yet, on real peers.
TOOL_SRC   := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
$(BUILD)/tests/tools/%: tests/tools/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INC_ALL) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

# The sanitizer build is a separate tree, so both can exist at once.
san:
	$(MAKE) BUILD=$(BUILD)/san CFLAGS='$(SAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' \
		$(BUILD)/san/redock $(BUILD)/san/redock-hook $(UNIT_SRC:tests/unit/%.c=$(BUILD)/san/tests/%)

unit: all $(UNIT_BIN) $(TOOL_BIN)

# Every test: static analysis and a bounded fuzz run (both stop here on a
# finding), then unit suites (plain and sanitizer builds), the fuzz corpora
# replayed, and the integration tests (again against the sanitizer build).
# Ends with "N passed, N failed".  Installs what is missing first, so it
# works on a fresh Debian machine as it is.
CHECK_FUZZ_SECONDS ?= 10
check: deps
	$(MAKE) all unit san
	$(MAKE) analyze
	$(MAKE) fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	tests/run

# The main job once, on loopback: see scripts/demo.
demo: deps
	$(MAKE) all
	scripts/demo

deps:
	scripts/install-deps

# Per-request cost against a floor handler and Debian's webhook: a table
# (docs/benchmarks.md says how to read it).  Timings, so never in check.
bench: deps
	$(MAKE) all
	scripts/bench

clean:
	rm -rf $(BUILD)

# Targets owned by other parts of the tree (packaging, e2e).
include $(wildcard mk/*.mk)

-include $(sort $(OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(HOOK_OBJ:.o=.d))
