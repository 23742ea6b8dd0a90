/* notify: [notify NAME] sections (every message config_load says about
 * them), which outcomes a notifier wants, each service's message shape,
 * and the webhook's signature. */
#include "check_main.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "notify.h"

static char dir[64], conf[128], secret[128], loose[128], urlfile[128];
static char *errs;
static size_t errs_len;
static struct config cfg;

static void write_file(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "w");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

static void setup(void)
{
        strcpy(dir, "/tmp/redock-notify-test-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(conf, sizeof(conf), "%s/redock.conf", dir);
        snprintf(secret, sizeof(secret), "%s/secret", dir);
        snprintf(loose, sizeof(loose), "%s/loose", dir);
        write_file(secret, "s3cret\n", 0600);
        write_file(loose, "s3cret\n", 0644);
        snprintf(urlfile, sizeof(urlfile), "%s/url", dir);
        write_file(urlfile, "https://hooks.slack.example/T0/B0/s3cret\n", 0600);
        memset(&cfg, 0, sizeof(cfg));
        errs = NULL;
}

static void teardown(void)
{
        config_free(&cfg);
        free(errs);
        rm_tree(dir);
}

/* Load text (a printf format); errs holds what was printed, each line without "CONF:". */
__attribute__((format(printf, 1, 2)))
static int load(const char *fmt, ...)
{
        char *text = NULL, *p;
        va_list ap;
        FILE *ef;
        int r;

        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&text, fmt, ap), 0);
        va_end(ap);
        write_file(conf, text, 0600);
        free(text);
        config_free(&cfg);
        free(errs);
        errs = NULL;
        ef = open_memstream(&errs, &errs_len);
        r = config_load(conf, &cfg, ef);
        fclose(ef);
        /* drop the path before each line's number */
        while ((p = strstr(errs, conf)))
                memmove(p, p + strlen(conf) + 1, strlen(p + strlen(conf) + 1) + 1);
        return r;
}

START_TEST(valid_notifiers)
{
        const struct notifier *nt;

        ck_assert_int_eq(load("[notify s]\ntype = slack\nurl-file = %s\n"
                              "[notify h]\ntype = webhook\nurl = https://x.example/h\nsecret-file = %s\n"
                              "events = updated, rolled-back\ncontainers = app-*, db\nsources = reg\ntimeout = 3\n"
                              "[notify m]\ntype = email\nsmtp-url = smtps://mail.example:465\nusername = u\n"
                              "password-file = %s\nfrom = r@x.example\nto = a@x.example b@x.example\n"
                              "starttls = no\n", urlfile, secret, secret), 0);
        ck_assert_str_eq(errs, "");
        ck_assert_uint_eq(cfg.n_notifiers, 3);
        nt = config_notifier(&cfg, "h");
        ck_assert_ptr_nonnull(nt);
        ck_assert_int_eq(nt->type, NOTIFY_WEBHOOK);
        ck_assert_str_eq(nt->secret, "s3cret");
        ck_assert_uint_eq(nt->events, NOTIFY_EV_UPDATED | NOTIFY_EV_ROLLED_BACK);
        ck_assert_uint_eq(nt->n_containers, 2);
        ck_assert_str_eq(nt->containers[0], "app-*");
        ck_assert_int_eq(nt->timeout_ms, 3000);
        nt = config_notifier(&cfg, "s");
        /* the url-file's line is the URL */
        ck_assert_str_eq(nt->url, "https://hooks.slack.example/T0/B0/s3cret");
        ck_assert_uint_eq(nt->events, NOTIFY_EV_ALL);
        ck_assert_int_eq(nt->timeout_ms, 5000);
        nt = config_notifier(&cfg, "m");
        ck_assert_uint_eq(nt->n_to, 2);
        ck_assert(!nt->starttls);
        ck_assert_str_eq(nt->password, "s3cret");
        ck_assert_ptr_null(config_notifier(&cfg, "nope"));
}
END_TEST

START_TEST(bad_notifiers)
{
        load("[notify a]\nurl = http://x/\n");
        ck_assert_str_eq(errs, "1: notify 'a' has no type (slack, teams, webhook, ntfy, gotify or email)\n");
        load("[notify a]\ntype = pager\nurl = http://x/\n");
        /* the refused type has said what is wrong */
        ck_assert_str_eq(errs, "2: type must be slack, teams, webhook, ntfy, gotify or email\n");
        load("[notify a]\ntype = slack\n");
        ck_assert_str_eq(errs, "1: notify 'a' has no url or url-file\n");
        load("[notify a]\ntype = slack\nurl = ftp://x/\n");
        ck_assert_str_eq(errs, "3: url must be http://... or https://...\n");
        load("[notify a]\ntype = slack\nurl = http://x/\nurl-file = %s\n", secret);
        ck_assert_str_eq(errs, "4: url-file: [notify a] has its url already; give one of url and url-file\n");
        load("[notify a]\ntype = slack\nurl-file = %s\n", secret);
        {
                char want[512];

                /* the file's text is a secret: not shown */
                snprintf(want, sizeof(want), "3: url-file %s: want one line http://... or https://...\n", secret);
                ck_assert_str_eq(errs, want);
                ck_assert_ptr_null(strstr(errs, "s3cret\n3"));
                load("[notify a]\ntype = slack\nurl-file = %s\n", loose);
                snprintf(want, sizeof(want), "3: url-file %s: readable or writable by group or others (chmod 600 it)\n",
                         loose);
                ck_assert_str_eq(errs, want);
        }
        load("[notify a]\ntype = slack\nurl = http://x/\nevents = updated, crashed\n");
        ck_assert_str_eq(errs, "4: events: unknown event 'crashed' (use updated, rolled-back, failed, found, pending, "
                               "poll-error)\n");
        load("[notify a]\ntype = slack\nurl = http://x/\nevents = ,\n");
        ck_assert_str_eq(errs, "4: events: name at least one event (leave the key out for all)\n");
        load("[notify a]\ntype = slack\nurl = http://x/\nsecret-file = %s\ntoken-file = %s\nfrom = a@b\n", secret, secret);
        ck_assert_str_eq(errs, "1: notify 'a': from is for type email only\n"
                               "1: notify 'a': secret-file is for type webhook only\n"
                               "1: notify 'a': token-file is for types ntfy and gotify only\n");
        load("[notify a]\ntype = gotify\nurl = http://x/\n");
        ck_assert_str_eq(errs, "1: notify 'a' (gotify) has no token-file (an application token)\n");
        load("[notify a]\ntype = email\nurl = http://x/\npassword-file = %s\n", secret);
        ck_assert_str_eq(errs, "1: notify 'a': type email takes smtp-url, not url\n"
                               "1: notify 'a' (email) has no smtp-url\n"
                               "1: notify 'a' (email) has no from\n"
                               "1: notify 'a' (email) has no to\n"
                               "1: notify 'a': password-file without username\n");
        load("[notify a]\ntype = email\nsmtp-url = mail.example:25\nfrom = nobody\nto = x@y, <z@w>\n");
        ck_assert_str_eq(errs, "3: smtp-url must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]\n"
                               "4: from: 'nobody' is not an e-mail address\n"
                               "5: to: '<z@w>' is not an e-mail address\n");
        load("[notify a]\ntype = slack\nurl = http://x/\ntimeout = 0\nca-file = /nonexistent/ca.pem\n");
        ck_assert_str_eq(errs, "4: timeout must be 1..60 seconds\n"
                               "5: ca-file /nonexistent/ca.pem: No such file or directory\n");
        load("[notify]\ntype = slack\n");
        ck_assert_str_eq(errs, "1: [notify] needs a name: [notify NAME]\n");
        load("[notify a/b]\ntype = slack\n");
        ck_assert_str_eq(errs, "1: bad notify name 'a/b' (use letters, digits, '.', '_', '-')\n");
        load("[notify a]\ntype = slack\nurl = http://x/\n[notify a]\ntype = teams\n");
        ck_assert_str_eq(errs, "4: notify 'a' defined twice (first at line 1)\n");
        load("[notify a]\ntype = slack\nurl = http://x/\ntype = teams\n");
        ck_assert_str_eq(errs, "4: 'type' given twice in [notify a] (first at line 2)\n");
        /* a quoted url is not repeated back: it may hold a token */
        load("[notify a]\ntype = slack\nurl = \"http://x/T0K3N\"\n");
        ck_assert_str_eq(errs, "3: url is quoted: quotes are taken literally, as part of the secret; write url = "
                               "SECRET without them\n");
        load("[notify a]\ntype = slack\nurl = http://x/\nurl_file = y\n");
        ck_assert_str_eq(errs, "4: unknown key 'url_file' in [notify a]; did you mean 'url-file'?\n");
        load("[notify a]\ntype = slack\nurl = http://x/\ntoken = y\n");
        ck_assert_str_eq(errs, "4: unknown key 'token' in [notify a]; it belongs in a [source NAME] section\n");
        load("[notify a]\n");
        ck_assert_str_eq(errs, "1: notify 'a' has no type (slack, teams, webhook, ntfy, gotify or email)\n");
}
END_TEST

static void note3(struct notify_batch *b)
{
        notify_note(b, "reg", "app-1", "container", "r.example/app:1", "sha256:old", "sha256:new", "updated", 1200,
                    NULL);
        notify_note(b, "reg", "app-2", "container", "r.example/app:1", "sha256:old", "sha256:new", "rolled-back",
                    900, "new container is \"unhealthy\"\r\nsecond line");
        notify_note(b, NULL, "db", "service", "r.example/db:2", NULL, "sha256:d", "failed", 5, "denied");
        /* not for anyone */
        notify_note(b, "reg", "quiet", "container", "r.example/q:1", NULL, NULL, "unchanged", 1, NULL);
        notify_note(b, "reg", "skip", "container", "r.example/q:1", NULL, NULL, "skipped", 1, NULL);
}

START_TEST(selection)
{
        struct notify_batch b = { 0 };
        struct notifier nt = { .name = "n", .events = NOTIFY_EV_ALL };
        char *app[] = { "app-*" }, *reg[] = { "r*" };
        bool sel[8];

        note3(&b);
        ck_assert_uint_eq(b.n, 3);      /* unchanged and skipped are not kept */
        ck_assert_uint_eq(notify_select(&nt, &b, sel), 3);
        nt.events = NOTIFY_EV_FAILED | NOTIFY_EV_ROLLED_BACK;
        ck_assert_uint_eq(notify_select(&nt, &b, sel), 2);
        ck_assert(!sel[0] && sel[1] && sel[2]);
        nt.events = NOTIFY_EV_ALL;
        nt.containers = app;
        nt.n_containers = 1;
        ck_assert_uint_eq(notify_select(&nt, &b, sel), 2);
        ck_assert(sel[0] && sel[1] && !sel[2]);
        nt.n_containers = 0;
        nt.sources = reg;
        nt.n_sources = 1;
        /* db came from redock update: no source */
        ck_assert_uint_eq(notify_select(&nt, &b, sel), 2);
        ck_assert(!sel[2]);
        ck_assert_uint_eq(notify_outcome_event("available"), NOTIFY_EV_FOUND);
        ck_assert_uint_eq(notify_outcome_event("unchanged"), 0);
        ck_assert_str_eq(notify_event_name(NOTIFY_EV_POLL_ERROR), "poll-error");
        notify_batch_clear(&b);
        ck_assert_uint_eq(b.n, 0);
}
END_TEST

static json_t *render_json(enum notify_type type, char **title)
{
        struct notify_batch b = { 0 };
        struct notifier nt = { .name = "n", .type = type, .events = NOTIFY_EV_ALL };
        bool sel[8];
        json_error_t e;
        json_t *j;
        char *body;

        note3(&b);
        notify_select(&nt, &b, sel);
        body = notify_render(&nt, &b, sel, "h1", 1700000000, title);
        ck_assert_ptr_nonnull(body);
        j = json_loads(body, 0, &e);
        ck_assert_msg(j != NULL, "%s: %s", body, e.text);
        free(body);
        notify_batch_clear(&b);
        return j;
}

START_TEST(shapes)
{
        char *title = NULL, *s;
        json_t *j;

        j = render_json(NOTIFY_SLACK, &title);
        ck_assert_str_eq(title, "redock on h1: 1 updated, 1 rolled-back, 1 failed: app-1, app-2, db");
        ck_assert_str_eq(json_string_value(json_object_get(j, "text")), title);
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "blocks"), 0), "type")),
                         "header");
        ck_assert_uint_eq(json_array_size(json_object_get(j, "blocks")), 4);
        s = json_dumps(j, 0);
        ck_assert_ptr_nonnull(strstr(s, "app-1 updated: r.example/app:1 sha256:old -> sha256:new in 1200 ms "
                                        "(source reg)"));
        ck_assert_ptr_nonnull(strstr(s, "db (service) failed: r.example/db:2 ? -> sha256:d in 5 ms; reason: denied"));
        free(s);
        json_decref(j);
        free(title);

        j = render_json(NOTIFY_TEAMS, &title);
        ck_assert_str_eq(json_string_value(json_object_get(j, "type")), "message");
        {
                json_t *a = json_array_get(json_object_get(j, "attachments"), 0);
                json_t *card = json_object_get(a, "content");

                ck_assert_str_eq(json_string_value(json_object_get(a, "contentType")),
                                 "application/vnd.microsoft.card.adaptive");
                ck_assert_str_eq(json_string_value(json_object_get(card, "type")), "AdaptiveCard");
                /* the title, then one TextBlock per container */
                ck_assert_uint_eq(json_array_size(json_object_get(card, "body")), 4);
        }
        json_decref(j);
        free(title);

        j = render_json(NOTIFY_WEBHOOK, &title);
        ck_assert_str_eq(json_string_value(json_object_get(j, "host")), "h1");
        ck_assert_int_eq(json_integer_value(json_object_get(j, "time")), 1700000000);
        ck_assert_uint_eq(json_array_size(json_object_get(j, "results")), 3);
        {
                json_t *r = json_array_get(json_object_get(j, "results"), 1);

                ck_assert_str_eq(json_string_value(json_object_get(r, "outcome")), "rolled-back");
                /* Docker's reason as it said it, inside its JSON string */
                ck_assert_str_eq(json_string_value(json_object_get(r, "reason")),
                                 "new container is \"unhealthy\"\r\nsecond line");
                ck_assert(json_is_null(json_object_get(json_array_get(json_object_get(j, "results"), 2), "source")));
        }
        json_decref(j);
        free(title);

        j = render_json(NOTIFY_GOTIFY, &title);
        ck_assert_str_eq(json_string_value(json_object_get(j, "title")), title);
        ck_assert_int_eq(json_integer_value(json_object_get(j, "priority")), 8);        /* a failure among them */
        json_decref(j);
        free(title);
}
END_TEST

START_TEST(email_and_ntfy_text)
{
        struct notify_batch b = { 0 };
        char *to[] = { "a@x.example", "b@x.example" };
        struct notifier nt = { .name = "m", .type = NOTIFY_EMAIL, .events = NOTIFY_EV_ALL, .from = "r@x.example",
                               .to = to, .n_to = 2 };
        bool sel[8];
        char *title, *msg;

        note3(&b);
        notify_select(&nt, &b, sel);
        msg = notify_render(&nt, &b, sel, "h1", 1700000000, &title);
        ck_assert_ptr_nonnull(msg);
        ck_assert_ptr_nonnull(strstr(msg, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\nFrom: r@x.example\r\n"
                                          "To: a@x.example, b@x.example\r\n"
                                          "Subject: redock on h1: 1 updated, 1 rolled-back, 1 failed: app-1, app-2, db\r\n"));
        /* a reason's line break stays in the body, never in a header */
        ck_assert_ptr_nonnull(strstr(msg, "\r\n\r\napp-1 updated: "));
        ck_assert_ptr_nonnull(strstr(msg, "reason: new container is \"unhealthy\"  second line\r\n"));
        free(msg);
        free(title);
        nt.type = NOTIFY_NTFY;
        msg = notify_render(&nt, &b, sel, "h\r\nX-Evil: 1", 1700000000, &title);
        /* a title goes into a header: one line, whatever the host says */
        ck_assert_ptr_null(strchr(title, '\n'));
        ck_assert_ptr_null(strchr(title, '\r'));
        ck_assert_ptr_nonnull(strstr(msg, "app-2 rolled-back: "));
        free(msg);
        free(title);
        notify_batch_clear(&b);
}
END_TEST

START_TEST(signature)
{
        char buf[128];

        /* python3: hmac.new(b"key", b'1700000000.{"a":1}', hashlib.sha256).hexdigest() */
        notify_signature("key", 1700000000, "{\"a\":1}", buf, sizeof(buf));
        ck_assert_str_eq(buf, "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}
END_TEST

START_TEST(long_title_cut)
{
        struct notify_batch b = { 0 };
        struct notifier nt = { .name = "n", .type = NOTIFY_SLACK, .events = NOTIFY_EV_ALL };
        bool sel[60];
        char name[32], *title, *body;
        json_t *j;

        for (int i = 0; i < 50; i++) {
                snprintf(name, sizeof(name), "container-%02d", i);
                notify_note(&b, "s", name, "container", "i:1", NULL, NULL, "updated", 1, NULL);
        }
        notify_select(&nt, &b, sel);
        body = notify_render(&nt, &b, sel, "h", 1, &title);
        ck_assert_uint_eq(strlen(title), 150);
        ck_assert_str_eq(title + 147, "...");
        j = json_loads(body, 0, NULL);
        /* header, 40 sections, and the rest counted */
        ck_assert_uint_eq(json_array_size(json_object_get(j, "blocks")), 42);
        ck_assert_ptr_nonnull(strstr(body, "... and 10 more (redock history lists them)"));
        json_decref(j);
        free(body);
        free(title);
        notify_batch_clear(&b);
}
END_TEST

static Suite *notify_suite(void)
{
        Suite *s = suite_create("notify");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, valid_notifiers);
        tcase_add_test(tc, bad_notifiers);
        tcase_add_test(tc, selection);
        tcase_add_test(tc, shapes);
        tcase_add_test(tc, email_and_ntfy_text);
        tcase_add_test(tc, signature);
        tcase_add_test(tc, long_title_cut);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(notify_suite)
