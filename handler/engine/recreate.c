/* recreate: the create body for a container's replacement. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recreate.h"

const char *recreate_name(const json_t *old)
{
        const char *n = json_string_value(json_object_get(old, "Name"));

        if (n && n[0] == '/')
                n++;
        return n;
}

/* Drop from cfg what is only there because the old image said so, so the
 * new image's values apply.  An env var or label the user set to the same
 * value as the image is indistinguishable and goes too; the new image
 * brings it back unless it changed it, which is what the user wants. */
static void drop_image_defaults(json_t *cfg, const json_t *icfg)
{
        static const char *const scalars[] = {
                "Cmd", "Entrypoint", "WorkingDir", "User", "Healthcheck",
                "StopSignal", "ExposedPorts", "Volumes", "OnBuild", "Shell",
        };
        json_t *env, *labels, *ienv, *ilabels;

        if (!json_is_object(icfg))
                return;
        for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
                json_t *v = json_object_get(cfg, scalars[i]);
                json_t *iv = json_object_get(icfg, scalars[i]);
                if (v && iv && json_equal(v, iv))
                        json_object_del(cfg, scalars[i]);
        }

        env = json_object_get(cfg, "Env");
        ienv = json_object_get(icfg, "Env");
        if (json_is_array(env) && json_is_array(ienv)) {
                json_t *keep = json_array();
                size_t i, j;
                json_t *e, *ie;

                json_array_foreach(env, i, e) {
                        bool from_image = false;
                        json_array_foreach(ienv, j, ie)
                                if (json_equal(e, ie))
                                        from_image = true;
                        if (!from_image)
                                json_array_append(keep, e);
                }
                json_object_set_new(cfg, "Env", keep);
        }

        labels = json_object_get(cfg, "Labels");
        ilabels = json_object_get(icfg, "Labels");
        if (json_is_object(labels) && json_is_object(ilabels)) {
                const char *k;
                json_t *v, *iv;
                void *tmp;

                json_object_foreach_safe(labels, tmp, k, v) {
                        iv = json_object_get(ilabels, k);
                        if (iv && json_equal(v, iv))
                                json_object_del(labels, k);
                }
        }
}

/* The destination of a "src:dst[:opts]" bind, into buf. */
static const char *bind_dest(const char *bind, char *buf, size_t size)
{
        const char *c1 = strchr(bind, ':'), *c2;
        size_t n;

        if (!c1)
                return bind;    /* "dst" alone: an anonymous volume */
        c2 = strchr(c1 + 1, ':');
        n = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
        if (n >= size)
                n = size - 1;
        memcpy(buf, c1 + 1, n);
        buf[n] = '\0';
        return buf;
}

static bool dest_covered(const json_t *hc, const char *dest)
{
        const json_t *binds = json_object_get(hc, "Binds");
        const json_t *mounts = json_object_get(hc, "Mounts");
        const json_t *v;
        char buf[4096];
        size_t i;

        json_array_foreach(binds, i, v) {
                const char *b = json_string_value(v);
                if (b && strcmp(bind_dest(b, buf, sizeof(buf)), dest) == 0)
                        return true;
        }
        json_array_foreach(mounts, i, v) {
                const char *t = json_string_value(json_object_get(v, "Target"));
                if (t && strcmp(t, dest) == 0)
                        return true;
        }
        return false;
}

/* Anonymous volumes are not in HostConfig: without this the new
 * container would get fresh empty ones.  Bind each by its name. */
static void keep_anonymous_volumes(json_t *hc, const json_t *mounts)
{
        json_t *binds = json_object_get(hc, "Binds");
        const json_t *m;
        size_t i;

        if (!json_is_array(binds)) {
                binds = json_array();
                json_object_set_new(hc, "Binds", binds);
        }
        json_array_foreach(mounts, i, m) {
                const char *type = json_string_value(json_object_get(m, "Type"));
                const char *name = json_string_value(json_object_get(m, "Name"));
                const char *dest = json_string_value(json_object_get(m, "Destination"));
                bool rw = json_is_true(json_object_get(m, "RW"));
                char *b;

                if (!type || strcmp(type, "volume") != 0 || !name || !dest)
                        continue;
                if (dest_covered(hc, dest))
                        continue;
                if (asprintf(&b, "%s:%s%s", name, dest, rw ? "" : ":ro") < 0)
                        continue;
                json_array_append_new(binds, json_string(b));
                free(b);
        }
}

/* From an inspected endpoint keep what the user chose; the rest (ids,
 * addresses Docker assigned, gateway) is Docker's to assign again. */
static json_t *endpoint_config(const json_t *ep, const char *short_id, int api_minor)
{
        json_t *out = json_object();
        const json_t *aliases = json_object_get(ep, "Aliases");
        const json_t *ipam = json_object_get(ep, "IPAMConfig");
        const json_t *links = json_object_get(ep, "Links");
        const json_t *dopts = json_object_get(ep, "DriverOpts");
        const char *mac = json_string_value(json_object_get(ep, "MacAddress"));

        if (json_is_array(aliases)) {
                json_t *keep = json_array();
                const json_t *a;
                size_t i;
                /* Docker adds the short id itself; a stale one would
                 * name the old container */
                json_array_foreach(aliases, i, a)
                        if (json_is_string(a) && strcmp(json_string_value(a), short_id) != 0)
                                json_array_append(keep, (json_t *)a);
                json_object_set_new(out, "Aliases", keep);
        }
        if (json_is_object(ipam))
                json_object_set(out, "IPAMConfig", (json_t *)ipam);
        if (json_is_array(links))
                json_object_set(out, "Links", (json_t *)links);
        if (json_is_object(dopts))
                json_object_set(out, "DriverOpts", (json_t *)dopts);
        /* per-endpoint MAC exists from API 1.44 */
        if (api_minor >= 44 && mac && *mac)
                json_object_set_new(out, "MacAddress", json_string(mac));
        return out;
}

static const char *network_id(const json_t *ep)
{
        const char *id = json_string_value(json_object_get(ep, "NetworkID"));

        return id && *id ? id : NULL;
}

/* The key in Networks of the network NetworkMode names: by name, "default"
 * for "bridge", or by id or id prefix (docker run --network ID). */
static const char *primary_network(const json_t *nets, const char *mode)
{
        const char *name;
        const json_t *ep;

        if (!mode)
                return NULL;
        if (strcmp(mode, "default") == 0)
                mode = "bridge";
        if (json_object_get(nets, mode))
                return mode;
        json_object_foreach((json_t *)nets, name, ep) {
                const char *id = network_id(ep);
                if (id && strncmp(id, mode, strlen(mode)) == 0)
                        return name;
        }
        return NULL;
}

static bool mode_has_own_networks(const char *mode)
{
        return !mode || !(strcmp(mode, "none") == 0 || strcmp(mode, "host") == 0 ||
                          strncmp(mode, "container:", 10) == 0);
}

json_t *recreate_spec(const json_t *old, const json_t *old_image,
                      const char *image, int api_minor, json_t **later)
{
        const json_t *ocfg = json_object_get(old, "Config");
        const json_t *ohc = json_object_get(old, "HostConfig");
        const json_t *nets = json_object_get(json_object_get(old, "NetworkSettings"), "Networks");
        const char *id = json_string_value(json_object_get(old, "Id"));
        const char *mode = json_string_value(json_object_get(ohc, "NetworkMode"));
        json_t *spec, *hc, *eps;
        char short_id[13] = "";

        *later = NULL;
        if (!json_is_object(ocfg) || !json_is_object(ohc) || !id)
                return NULL;
        snprintf(short_id, sizeof(short_id), "%s", id);

        spec = json_deep_copy(ocfg);
        json_object_set_new(spec, "Image", json_string(image));
        drop_image_defaults(spec, json_object_get(old_image, "Config"));
        /* Docker sets the hostname to the short id unless one was given */
        {
                const char *hn = json_string_value(json_object_get(spec, "Hostname"));
                if (hn && strcmp(hn, short_id) == 0)
                        json_object_del(spec, "Hostname");
        }
        if (api_minor >= 44)
                json_object_del(spec, "MacAddress");   /* deprecated there */
        /* in another container's network namespace these belong to that
         * container: inspect shows its values, create refuses them
         * ("conflicting options: hostname and the network mode") */
        if (mode && strncmp(mode, "container:", 10) == 0) {
                json_object_del(spec, "Hostname");
                json_object_del(spec, "Domainname");
                json_object_del(spec, "MacAddress");
                json_object_del(spec, "ExposedPorts");
        }

        hc = json_deep_copy(ohc);
        keep_anonymous_volumes(hc, json_object_get(old, "Mounts"));
        json_object_set_new(spec, "HostConfig", hc);

        if (!mode_has_own_networks(mode) || !json_is_object(nets))
                return spec;

        eps = json_object();
        {
                const char *primary_name = primary_network(nets, mode);
                const char *primary_id = primary_name ?
                        network_id(json_object_get(nets, primary_name)) : NULL;
                json_t *seen = json_object();   /* NetworkIDs taken */
                const char *name;
                const json_t *ep;

                json_object_foreach((json_t *)nets, name, ep) {
                        const char *nid = network_id(ep);
                        bool primary = primary_name && strcmp(name, primary_name) == 0;
                        json_t *cfg;

                        /* dockerd lists a network given by id twice, under
                         * the id and under its name: one endpoint each */
                        if (nid && ((!primary && primary_id && strcmp(nid, primary_id) == 0) ||
                                    json_object_get(seen, nid)))
                                continue;
                        if (nid)
                                json_object_set_new(seen, nid, json_true());
                        cfg = endpoint_config(ep, short_id, api_minor);
                        /* before 1.44 only the NetworkMode network can be
                         * given at create; the rest are connected later */
                        if (api_minor >= 44 || primary || json_object_size(nets) == 1) {
                                json_object_set_new(eps, name, cfg);
                        } else {
                                if (!*later)
                                        *later = json_object();
                                json_object_set_new(*later, name, cfg);
                        }
                }
                json_decref(seen);
        }
        json_object_set_new(spec, "NetworkingConfig",
                            json_pack("{s:o}", "EndpointsConfig", eps));
        return spec;
}
