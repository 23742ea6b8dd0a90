# Debian package and the booted-systemd test (included by the Makefile).
#
#   make deb      build/redock_$(VERSION)_<arch>.deb with dpkg-buildpackage
#                 and debhelper, then lintian (errors and warnings fail;
#                 LINTIAN=no skips it; DEB_CHECK=yes runs the unit
#                 suites during the build)
#   make e2e      the package installed into a booted Debian (tests/e2e),
#                 inside the test environment of tests/run
#
# The source tree is staged under build/deb/redock-$(VERSION)/ with
# packaging/debian/ as its debian/, so the repository itself stays free of
# a top-level debian/ directory and of build products.

DEB_ARCH    := $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE    := $(BUILD)/redock_$(VERSION)_$(DEB_ARCH).deb
DEB_STAGE   := $(BUILD)/deb
DEB_SRC     := $(DEB_STAGE)/redock-$(VERSION)
LINTIAN     ?= yes
# The package build runs the Check unit suites (debian/rules) only when
# asked: make check runs them already, plain and with sanitizers.
DEB_CHECK   ?= no
DEB_OPTS    := $(if $(filter yes,$(DEB_CHECK)),,nocheck)

.PHONY: deb e2e
deb:
	rm -rf $(DEB_STAGE)
	mkdir -p $(DEB_SRC)
	tar -c --exclude=./build --exclude=./.git --exclude=./debian . | tar -x -C $(DEB_SRC)
	cp -a packaging/debian $(DEB_SRC)/debian
	@# the version is the file VERSION: when the changelog does not know
	@# it yet, the staged copy gets an entry for it
	@if [ "$$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)" != "$(VERSION)" ]; then \
		{ printf 'redock (%s) unstable; urgency=medium\n\n  * Upstream version %s.\n\n -- %s  %s\n\n' \
			"$(VERSION)" "$(VERSION)" \
			"$$(dpkg-parsechangelog -l packaging/debian/changelog -S Maintainer)" \
			"$$(date -R)"; cat packaging/debian/changelog; } > $(DEB_SRC)/debian/changelog; \
		echo "deb: changelog entry for $(VERSION) generated in the staged tree"; \
	fi
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS='$(strip $(DEB_BUILD_OPTIONS) $(DEB_OPTS))' dpkg-buildpackage -us -uc -jauto
	cp $(DEB_STAGE)/redock_$(VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "deb: $(DEB_FILE)"
ifneq ($(LINTIAN),no)
	lintian --fail-on error,warning --info $(DEB_STAGE)/redock_$(VERSION)_$(DEB_ARCH).changes
	@echo "deb: lintian found no errors and no warnings"
endif

e2e:
	ONLY=tests/e2e/ tests/run integration
