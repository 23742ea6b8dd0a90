/* status: redock status. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "docker.h"
#include "log.h"
#include "match.h"
#include "policy.h"
#include "state.h"
#include "status.h"
#include "swarmspec.h"

/* The digest part of the image's RepoDigest, or "-". */
static const char *image_digest(struct docker *d, const char *image_id, char *buf, size_t size)
{
        char path[256];
        json_t *img = NULL;
        const char *rd, *at;

        snprintf(buf, size, "-");
        snprintf(path, sizeof(path), "/images/%s/json", image_id);
        if (docker_call(d, "GET", path, NULL, &img, 0) == 200) {
                rd = json_string_value(json_array_get(json_object_get(img, "RepoDigests"), 0));
                at = rd ? strchr(rd, '@') : NULL;
                if (at)
                        snprintf(buf, size, "%.19s", at + 1);   /* sha256: + 12 */
        }
        json_decref(img);
        return buf;
}

static void policy_text(const struct policy *p, const struct config *cfg, char *buf, size_t size)
{
        snprintf(buf, size, "%s%s%s%s%s%s%s",
                 policy_in_scope(p, cfg->scope) ? "" : "other-scope,",
                 p->monitor_only ? "monitor-only," : "",
                 p->rollback ? "" : "no-rollback,",
                 p->stop_signal ? "stop-signal," : "",
                 p->pre_update ? "pre-update," : "",
                 p->post_update ? "post-update," : "",
                 p->n_depends_on ? "depends-on," : "");
        if (!*buf)
                snprintf(buf, size, "-");
        else
                buf[strlen(buf) - 1] = '\0';
}

static void last_outcome(struct state *st, const char *name, char *outcome, size_t size, char *when,
                         size_t when_size)
{
        long long t = 0;

        outcome[0] = when[0] = '\0';
        if (st && state_last_outcome(st, name, outcome, size, &t) == 0 && outcome[0]) {
                time_t tt = (time_t)t;
                strftime(when, when_size, " %Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
        }
}

/* The opted-in Swarm services, when the daemon is a swarm manager (anything
 * else answers GET /services with an error, and there is nothing to list). */
static void print_services(struct docker *d, const struct config *cfg, struct state *st, FILE *out)
{
        json_t *list = NULL;
        const json_t *svc;
        size_t i;
        bool header = false;

        if (docker_call(d, "GET", "/services", NULL, &list, 0) != 200 || !json_is_array(list)) {
                json_decref(list);
                return;
        }
        json_array_foreach(list, i, svc) {
                const json_t *spec = json_object_get(svc, "Spec");
                const char *name = json_string_value(json_object_get(spec, "Name"));
                const char *image = json_string_value(json_object_get(json_object_get(
                        json_object_get(spec, "TaskTemplate"), "ContainerSpec"), "Image"));
                enum swarm_pick pick = swarm_service_pick(svc, cfg->scope);
                char repo[512], digest[200], outcome[64], when[32];

                if (pick == SWARM_PICK_NO || !name || !image)
                        continue;
                if (swarm_image_split(image, repo, sizeof(repo), digest, sizeof(digest)) < 0) {
                        snprintf(repo, sizeof(repo), "%s", image);
                        digest[0] = '\0';
                }
                last_outcome(st, name, outcome, sizeof(outcome), when, sizeof(when));
                if (!header) {
                        fprintf(out, "\n%-24s %-8s %-40s %-19s %-18s %s\n", "SERVICE", "", "IMAGE", "DIGEST",
                                "POLICY", "LAST OUTCOME");
                        header = true;
                }
                fprintf(out, "%-24s %-8s %-40s %-19.19s %-18s %s%s\n", name, "service", repo,
                        digest[0] ? digest : "-", pick == SWARM_PICK_MONITOR ? "monitor-only" : "-",
                        outcome[0] ? outcome : "-", when);
        }
        json_decref(list);
}

/* Which source follows this listed container, or why none does
 * (match_describe).  A list entry that shows its image by id is
 * inspected for the reference it was created with. */
static const char *followed_by(struct docker *d, const struct config *cfg, const json_t *c, char *buf,
                               size_t size)
{
        json_t *one = json_array();

        snprintf(buf, size, "-");
        if (one && match_summarise_listed(d, c, one) == 0 && json_array_size(one) == 1)
                match_describe(cfg, json_array_get(one, 0), buf, size);
        json_decref(one);
        return buf;
}

int status_print(const struct config *cfg, FILE *out)
{
        struct docker d;
        struct state *st = NULL;
        json_t *list = NULL;
        const json_t *c;
        size_t i;
        int r;

        r = docker_open(&d, cfg->docker_host);
        if (r < 0) {
                log_msg(LOG_ERR, "Docker at %s: %s", cfg->docker_host, d.errbuf[0] ? d.errbuf : strerror(-r));
                docker_close(&d);
                return r;
        }
        if (state_open(cfg->state_dir, &st) < 0)
                st = NULL;
        r = docker_call(&d, "GET", "/containers/json?all=1", NULL, &list, 0);
        if (r != 200 || !json_is_array(list)) {
                r = r < 0 ? r : -EIO;
                goto out;
        }
        fprintf(out, "%-24s %-8s %-40s %-19s %-18s %-34s %s\n", "CONTAINER", "STATE", "IMAGE", "DIGEST",
                "POLICY", "LAST OUTCOME", "FOLLOWED BY");
        json_array_foreach(list, i, c) {
                const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
                const char *image = json_string_value(json_object_get(c, "Image"));
                const char *image_id = json_string_value(json_object_get(c, "ImageID"));
                const char *state = json_string_value(json_object_get(c, "State"));
                char digest[32], pol_text[128], outcome[64], when[32], last[100], followed[1100];
                struct policy p;

                policy_from_labels(json_object_get(c, "Labels"), &p);
                /* a Swarm task's container belongs to its service, listed below */
                if ((cfg->select_all ? p.disabled : !p.enabled) || !name || json_object_get(json_object_get(c, "Labels"), "com.docker.swarm.task.id")) {
                        policy_free(&p);
                        continue;
                }
                if (name[0] == '/')
                        name++;
                policy_text(&p, cfg, pol_text, sizeof(pol_text));
                policy_free(&p);
                last_outcome(st, name, outcome, sizeof(outcome), when, sizeof(when));
                snprintf(last, sizeof(last), "%s%s", outcome[0] ? outcome : "-", when);
                fprintf(out, "%-24s %-8s %-40s %-19s %-18s %-34s %s\n", name, state ? state : "-",
                        image ? image : "-", image_id ? image_digest(&d, image_id, digest, sizeof(digest)) : "-",
                        pol_text, last, followed_by(&d, cfg, c, followed, sizeof(followed)));
        }
        print_services(&d, cfg, st, out);
        r = 0;
out:
        json_decref(list);
        if (st)
                state_close(st);
        docker_close(&d);
        return r;
}
