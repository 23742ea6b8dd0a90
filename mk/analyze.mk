# Static analysis (included by the Makefile; make check runs it).
#
#   make analyze     cppcheck, then clang's analyzer (scan-build) over a
#                    fresh build in build/scan; any finding fails
#
# cppcheck: warning, performance and portability checks over handler/ and
# tests/fuzz/ (style is left out: scope and redundant-assignment advice,
# not bugs).  jansson's foreach macros come from mk/cppcheck-macros.h so
# /usr/include is not parsed.  A false positive is suppressed where it
# occurs, with "// cppcheck-suppress ID" and the reason.
#
# scan-build: the HTML report of a failed run is in build/scan/report/.

CPPCHECK       ?= cppcheck
SCAN_BUILD     ?= scan-build
CPPCHECK_FLAGS := --enable=warning,performance,portability --error-exitcode=1 \
                  --inline-suppr -q -Ihandler/common -Ihandler/hook -Ihandler/engine --include=mk/cppcheck-macros.h \
                  -D_GNU_SOURCE -DREDOCK_VERSION='"$(VERSION)"'
SCAN_DIR       := $(BUILD)/scan
# the analyzer is the slow part of make check's additions: use every core
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: analyze cppcheck scan-build
analyze: cppcheck scan-build

cppcheck:
	$(CPPCHECK) $(CPPCHECK_FLAGS) handler tests/fuzz
	@echo "cppcheck: clean"

# -O0: the analyzer does not need the optimiser; -Wno-format-nonliteral as
# in mk/fuzz.mk (clang only)
scan-build:
	rm -rf $(SCAN_DIR)
	$(SCAN_BUILD) --use-cc=clang -o $(SCAN_DIR)/report --status-bugs \
		$(MAKE) -j$(JOBS) BUILD=$(SCAN_DIR) CFLAGS='-O0 -g -Wno-format-nonliteral' $(SCAN_DIR)/redock
	@echo "scan-build: clean"
