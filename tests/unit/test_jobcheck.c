/* jobcheck: job_admit re-checks a job against the configuration the
 * drain runs with, as a split-mode drain must for every inbox job: the
 * webhook process that wrote it may be compromised (issue 13). */
#include "check_main.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "jobcheck.h"
#include "queue.h"

#define D64 "sha256:4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687"

static struct config cfg;
static char path[64];

static void setup(void)
{
        FILE *f;

        strcpy(path, "/tmp/redock-jobcheck-XXXXXX");
        ck_assert_int_ge(mkstemp(path), 0);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("[source manual]\n"
              "token = t\n"
              "registry = 127.0.0.1:5000\n"
              "aliases = registry.local:5000\n"
              "[source anyhost]\n"
              "token = t\n"
              "match-host = any\n"
              "[source noreg]\n"
              "token = t\n", f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(config_load(path, &cfg, stderr), 0);
}

static void teardown(void)
{
        config_free(&cfg);
        unlink(path);
}

/* A job as job_parse leaves it; fields are set unchecked, as a forged
 * job could bring them. */
static struct job job_of(const char *source, const char *registry, const char *repo,
                         const char *tag, const char *digest)
{
        struct job j;

        memset(&j, 0, sizeof(j));
        snprintf(j.source, sizeof(j.source), "%s", source);
        snprintf(j.ev.registry, sizeof(j.ev.registry), "%s", registry);
        snprintf(j.ev.repository, sizeof(j.ev.repository), "%s", repo);
        snprintf(j.ev.tag, sizeof(j.ev.tag), "%s", tag);
        snprintf(j.ev.digest, sizeof(j.ev.digest), "%s", digest);
        return j;
}

static void refused(struct job j, const char *why_has)
{
        char why[256] = "";

        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), -EINVAL);
        ck_assert_msg(strstr(why, why_has), "reason '%s' lacks '%s'", why, why_has);
}

START_TEST(admitted_and_mapped)
{
        char why[256] = "";
        struct job j = job_of("manual", "127.0.0.1:5000", "team/app", "stable", D64);

        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "127.0.0.1:5000");
        /* an alias becomes the registry, no host gets it */
        j = job_of("manual", "registry.local:5000", "team/app", "stable", "");
        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "127.0.0.1:5000");
        j = job_of("manual", "", "team/app", "stable", "");
        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "127.0.0.1:5000");
        /* match-host = any: by repository and tag, host emptied */
        j = job_of("anyhost", "elsewhere.example", "team/app", "stable", "");
        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "");
        /* no registry set: the event's host stands */
        j = job_of("noreg", "quay.io", "team/app", "v1", "");
        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "quay.io");
}
END_TEST

START_TEST(forged_jobs_refused)
{
        refused(job_of("no-such-source", "127.0.0.1:5000", "team/app", "stable", ""), "not configured");
        refused(job_of("bad\nname", "127.0.0.1:5000", "team/app", "stable", ""), "bad source");
        /* a host no source covers, with or without a registry set */
        refused(job_of("manual", "evil.example:5000", "team/app", "stable", ""), "not source manual's registry");
        refused(job_of("noreg", "", "team/app", "stable", ""), "not source noreg's registry");
        /* the grammar, again */
        refused(job_of("manual", "127.0.0.1:5000", "Team/App", "stable", ""), "bad repository");
        refused(job_of("manual", "127.0.0.1:5000", "team/../app", "stable", ""), "bad repository");
        refused(job_of("manual", "127.0.0.1:5000", "team/app", "-x", ""), "bad repository or tag");
        refused(job_of("manual", "127.0.0.1:5000", "team/app", "stable", "x y:0123"), "bad digest");
        refused(job_of("manual", "127.0.0.1:5000", "team/app", "stable", "sha256:abc"), "bad digest");
        refused(job_of("manual", "bad host!", "team/app", "stable", ""), "bad registry");
}
END_TEST

/* redock poll's jobs: no [source poll] maps their host (config.c
 * refuses one), so they are admitted on the grammar alone, any host */
START_TEST(poll_jobs)
{
        char why[256] = "";
        struct job j = job_of("poll", "ghcr.io", "team/app", "stable", D64);

        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        ck_assert_str_eq(j.ev.registry, "ghcr.io");
        j = job_of("poll", "docker.io", "library/nginx", "1.27", "");
        ck_assert_int_eq(job_admit(&cfg, &j, why, sizeof(why)), 0);
        refused(job_of("poll", "", "team/app", "stable", D64), "bad registry, repository, tag or digest");
        refused(job_of("poll", "ghcr.io", "Team/App", "stable", D64), "bad registry, repository, tag or digest");
        refused(job_of("poll", "ghcr.io", "team/app", "-x", D64), "bad registry, repository, tag or digest");
        refused(job_of("poll", "ghcr.io", "team/app", "stable", "sha256:zz"), "bad registry, repository, tag or digest");
        refused(job_of("poll", "http://ghcr.io", "team/app", "stable", D64), "bad registry, repository, tag or digest");
}
END_TEST

static Suite *jobcheck_suite(void)
{
        Suite *s = suite_create("jobcheck");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, admitted_and_mapped);
        tcase_add_test(tc, poll_jobs);
        tcase_add_test(tc, forged_jobs_refused);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(jobcheck_suite)
