/* recreate: the create body for a replacement container, from `docker
 * inspect` replies recorded from a real dockerd (API 1.41) into
 * tests/fixtures/docker/:
 *
 *   container-none.json  --network none, -e, -l, a bind, a named and an
 *                        anonymous volume, the hostname left to Docker
 *   container-host.json  --network none, --hostname myhost, its own Cmd
 *   container-nets.json  on two --internal networks: ut-net-a (--ip,
 *                        two aliases, a MAC) and ut-net-b (an alias)
 *   container-byid.json  --network given by its short id (93044a40540d
 *                        is ut-net-a) with an alias, then ut-net-b
 *                        connected; dockerd lists ut-net-a twice, once
 *                        under the id and once under its name
 *   image-test.json      local/test:1: ENV FROM_IMAGE=1, LABEL img=yes,
 *                        VOLUME /imgvol, a CMD
 */
#include "check_main.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "recreate.h"

#define NEW_IMAGE "127.0.0.1:5000/team/app:stable"
#define PATH_ENV  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ANON_VOL  "202313093c864cc3fbf96a37024b1e362799aa3fa47c769edad17f1210382ca1"
#define IMG_VOL   "c4db373d17b6b952c9f424f09f3111c614e519e142a3b2238ad2776b85189c9a"

static json_t *fixture(const char *name)
{
        char path[512];
        json_error_t e;
        json_t *j;

        snprintf(path, sizeof(path), "%s/docker/%s", FIXTURES, name);
        j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
        ck_assert_msg(j != NULL, "%s:%d: %s", path, e.line, e.text);
        ck_assert(json_is_object(j));
        return j;
}

static json_t *old, *image, *spec, *later;

static void setup(void)
{
        old = image = spec = later = NULL;
}

static void teardown(void)
{
        json_decref(old);
        json_decref(image);
        json_decref(spec);
        json_decref(later);
}

/* recreate_spec() on a fixture, with the recorded image */
static json_t *spec_for(const char *container, int api_minor)
{
        old = fixture(container);
        image = fixture("image-test.json");
        spec = recreate_spec(old, image, NEW_IMAGE, api_minor, &later);
        ck_assert_ptr_nonnull(spec);
        return spec;
}

/* j serialised compactly with sorted keys equals want */
static void json_is(const json_t *j, const char *want)
{
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s, want);
        free(s);
}

static const json_t *at(const json_t *j, const char *k1, const char *k2)
{
        const json_t *v = json_object_get(j, k1);

        return k2 ? json_object_get(v, k2) : v;
}

START_TEST(image_replaced)
{
        spec_for("container-none.json", 41);
        ck_assert_str_eq(json_string_value(json_object_get(spec, "Image")), NEW_IMAGE);
        ck_assert(json_is_object(json_object_get(spec, "HostConfig")));
        /* the rest of Config is carried over */
        ck_assert_ptr_nonnull(json_object_get(spec, "AttachStdout"));
        ck_assert(json_is_false(json_object_get(spec, "Tty")));
        ck_assert_str_eq(recreate_name(old), "ut-none");
}
END_TEST

START_TEST(image_defaults_dropped)
{
        spec_for("container-none.json", 41);
        /* PATH came from the image; FROM_IMAGE=1x is the user's override */
        json_is(json_object_get(spec, "Env"), "[\"USER_VAR=mine\",\"FROM_IMAGE=1x\"]");
        /* img=yes equals the image's label, so it is the new image's call */
        json_is(json_object_get(spec, "Labels"), "{\"user.label\":\"kept\"}");
        /* the image's CMD, not the user's */
        ck_assert_ptr_null(json_object_get(spec, "Cmd"));
        /* the user's -v /anon makes Volumes differ from the image's */
        json_is(json_object_get(spec, "Volumes"), "{\"/anon\":{},\"/imgvol\":{}}");

        /* an image value equal to the container's goes with the image */
        json_decref(spec);
        json_decref(later);
        json_decref(old);
        old = fixture("container-nets.json");
        spec = recreate_spec(old, image, NEW_IMAGE, 41, &later);
        json_is(json_object_get(spec, "Env"), "[]");
        json_is(json_object_get(spec, "Labels"), "{}");
        ck_assert_ptr_null(json_object_get(spec, "Volumes"));
        ck_assert_ptr_null(json_object_get(spec, "Cmd"));
}
END_TEST

START_TEST(user_cmd_kept)
{
        spec_for("container-host.json", 41);
        json_is(json_object_get(spec, "Cmd"), "[\"sh\",\"-c\",\"sleep 1000\"]");
}
END_TEST

START_TEST(without_old_image)
{
        /* the old image is gone: nothing can be told apart, all is kept */
        old = fixture("container-none.json");
        spec = recreate_spec(old, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_nonnull(spec);
        json_is(json_object_get(spec, "Env"),
                "[\"USER_VAR=mine\",\"FROM_IMAGE=1x\",\"" PATH_ENV "\"]");
        json_is(json_object_get(spec, "Labels"), "{\"img\":\"yes\",\"user.label\":\"kept\"}");
        ck_assert(json_is_array(json_object_get(spec, "Cmd")));
        ck_assert_str_eq(json_string_value(json_object_get(spec, "Image")), NEW_IMAGE);
}
END_TEST

START_TEST(hostname)
{
        /* Docker's default, the short id, would name the old container */
        spec_for("container-none.json", 41);
        ck_assert_str_eq(json_string_value(at(old, "Config", "Hostname")), "632f9a384fa4");
        ck_assert_ptr_null(json_object_get(spec, "Hostname"));
        teardown();
        setup();
        spec_for("container-host.json", 41);
        ck_assert_str_eq(json_string_value(json_object_get(spec, "Hostname")), "myhost");
}
END_TEST

START_TEST(volumes_rebound)
{
        spec_for("container-none.json", 41);
        /* the bind and the named volume as they were; the anonymous
         * volume and the image's VOLUME by name, each once */
        json_is(at(spec, "HostConfig", "Binds"),
                "[\"/tmp/ut-docker/bind:/bound:ro\",\"ut-named:/named\","
                "\"" ANON_VOL ":/anon\",\"" IMG_VOL ":/imgvol\"]");
        /* and the old container's own HostConfig is untouched */
        json_is(at(old, "HostConfig", "Binds"), "[\"/tmp/ut-docker/bind:/bound:ro\",\"ut-named:/named\"]");
}
END_TEST

START_TEST(volumes_rebound_no_binds)
{
        /* HostConfig.Binds null: the image's anonymous volume still kept */
        spec_for("container-host.json", 41);
        ck_assert(json_is_null(at(old, "HostConfig", "Binds")));
        json_is(at(spec, "HostConfig", "Binds"),
                "[\"25861781c87426ab76815cfcbd287264b047b11669cdff558e6c0b3888ac8c7b:/imgvol\"]");
}
END_TEST

START_TEST(volumes_readonly_and_mounts)
{
        json_t *hc, *m;
        size_t i;

        old = fixture("container-none.json");
        /* a read-only anonymous volume; the named one given with --mount */
        json_array_foreach(json_object_get(old, "Mounts"), i, m)
                if (strcmp(json_string_value(json_object_get(m, "Destination")), "/anon") == 0)
                        json_object_set_new(m, "RW", json_false());
        hc = json_object_get(old, "HostConfig");
        json_object_set_new(hc, "Binds", json_pack("[s]", "/tmp/ut-docker/bind:/bound:ro"));
        json_object_set_new(hc, "Mounts", json_pack("[{s:s,s:s,s:s}]", "Type", "volume",
                                                    "Source", "ut-named", "Target", "/named"));
        spec = recreate_spec(old, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_nonnull(spec);
        json_is(at(spec, "HostConfig", "Binds"),
                "[\"/tmp/ut-docker/bind:/bound:ro\","
                "\"" ANON_VOL ":/anon:ro\",\"" IMG_VOL ":/imgvol\"]");
        json_is(at(spec, "HostConfig", "Mounts"),
                "[{\"Source\":\"ut-named\",\"Target\":\"/named\",\"Type\":\"volume\"}]");
}
END_TEST

START_TEST(network_none)
{
        json_t *sentinel = json_object();

        for (int api = 41; api <= 44; api += 3) {
                later = sentinel;
                spec_for("container-none.json", api);
                ck_assert_ptr_null(json_object_get(spec, "NetworkingConfig"));
                ck_assert_ptr_null(later);
                ck_assert_str_eq(json_string_value(at(spec, "HostConfig", "NetworkMode")), "none");
                teardown();
                setup();
        }
        json_decref(sentinel);
}
END_TEST

START_TEST(networks_api41)
{
        const json_t *eps;

        spec_for("container-nets.json", 41);
        eps = at(json_object_get(spec, "NetworkingConfig"), "EndpointsConfig", NULL);
        ck_assert(json_is_object(eps));
        /* only the NetworkMode network at create, the other one later */
        ck_assert_uint_eq(json_object_size(eps), 1);
        json_is(json_object_get(eps, "ut-net-a"),
                "{\"Aliases\":[\"web\",\"db\"],\"IPAMConfig\":{\"IPv4Address\":\"172.30.1.10\"}}");
        ck_assert_ptr_nonnull(later);
        ck_assert_uint_eq(json_object_size(later), 1);
        json_is(json_object_get(later, "ut-net-b"),
                "{\"Aliases\":[\"other\"],\"DriverOpts\":{},\"IPAMConfig\":{}}");
        /* before 1.44 the MAC is the container's */
        ck_assert_str_eq(json_string_value(json_object_get(spec, "MacAddress")), "02:42:ac:1e:01:0a");
        ck_assert_str_eq(json_string_value(at(spec, "HostConfig", "NetworkMode")), "ut-net-a");
}
END_TEST

START_TEST(networks_api44)
{
        const json_t *eps;

        spec_for("container-nets.json", 44);
        eps = at(json_object_get(spec, "NetworkingConfig"), "EndpointsConfig", NULL);
        ck_assert_uint_eq(json_object_size(eps), 2);
        ck_assert_ptr_null(later);
        json_is(json_object_get(eps, "ut-net-a"),
                "{\"Aliases\":[\"web\",\"db\"],\"IPAMConfig\":{\"IPv4Address\":\"172.30.1.10\"},"
                "\"MacAddress\":\"02:42:ac:1e:01:0a\"}");
        json_is(json_object_get(eps, "ut-net-b"),
                "{\"Aliases\":[\"other\"],\"DriverOpts\":{},\"IPAMConfig\":{},"
                "\"MacAddress\":\"02:42:ac:1e:02:02\"}");
        /* deprecated in Config from 1.44: per endpoint instead */
        ck_assert_ptr_null(json_object_get(spec, "MacAddress"));
}
END_TEST

START_TEST(one_network)
{
        json_t *nets;

        old = fixture("container-nets.json");
        nets = json_object_get(json_object_get(old, "NetworkSettings"), "Networks");
        ck_assert_int_eq(json_object_del(nets, "ut-net-b"), 0);
        spec = recreate_spec(old, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_null(later);
        json_is(at(json_object_get(spec, "NetworkingConfig"), "EndpointsConfig", NULL),
                "{\"ut-net-a\":{\"Aliases\":[\"web\",\"db\"],"
                "\"IPAMConfig\":{\"IPv4Address\":\"172.30.1.10\"}}}");
}
END_TEST

START_TEST(default_bridge)
{
        json_t *nets;

        /* NetworkMode "default" means the "bridge" network */
        old = fixture("container-nets.json");
        json_object_set_new(json_object_get(old, "HostConfig"), "NetworkMode", json_string("default"));
        nets = json_object_get(json_object_get(old, "NetworkSettings"), "Networks");
        json_object_set(nets, "bridge", json_object_get(nets, "ut-net-a"));
        json_object_del(nets, "ut-net-a");
        spec = recreate_spec(old, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_nonnull(spec);
        ck_assert_ptr_nonnull(at(at(spec, "NetworkingConfig", "EndpointsConfig"), "bridge", NULL));
        ck_assert_uint_eq(json_object_size(at(spec, "NetworkingConfig", "EndpointsConfig")), 1);
        ck_assert_ptr_nonnull(later);
        ck_assert_ptr_nonnull(json_object_get(later, "ut-net-b"));
        ck_assert_uint_eq(json_object_size(later), 1);
}
END_TEST

/* The network given by id: one endpoint per network, never two. */
START_TEST(network_by_id_api41)
{
        spec_for("container-byid.json", 41);
        ck_assert_str_eq(json_string_value(at(spec, "HostConfig", "NetworkMode")), "93044a40540d");
        json_is(at(spec, "NetworkingConfig", "EndpointsConfig"),
                "{\"93044a40540d\":{\"Aliases\":[\"api\"]}}");
        ck_assert_ptr_nonnull(later);
        json_is(later, "{\"ut-net-b\":{\"Aliases\":[],\"DriverOpts\":{},\"IPAMConfig\":{}}}");
}
END_TEST

START_TEST(network_by_id_api44)
{
        const json_t *eps;

        spec_for("container-byid.json", 44);
        eps = at(spec, "NetworkingConfig", "EndpointsConfig");
        ck_assert_uint_eq(json_object_size(eps), 2);
        ck_assert_ptr_nonnull(json_object_get(eps, "93044a40540d"));
        ck_assert_ptr_nonnull(json_object_get(eps, "ut-net-b"));
        ck_assert_ptr_null(later);
}
END_TEST

START_TEST(network_by_id_listed_once)
{
        json_t *nets;

        /* a dockerd that lists the network under its name only: the id
         * in NetworkMode still picks it as the one given at create */
        old = fixture("container-byid.json");
        nets = json_object_get(json_object_get(old, "NetworkSettings"), "Networks");
        ck_assert_int_eq(json_object_del(nets, "93044a40540d"), 0);
        spec = recreate_spec(old, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_nonnull(spec);
        json_is(at(spec, "NetworkingConfig", "EndpointsConfig"),
                "{\"ut-net-a\":{\"Aliases\":[\"api\"]}}");
        json_is(later, "{\"ut-net-b\":{\"Aliases\":[],\"DriverOpts\":{},\"IPAMConfig\":{}}}");
}
END_TEST

START_TEST(inputs_untouched)
{
        char *before_old, *before_img, *after_old, *after_img;

        old = fixture("container-nets.json");
        image = fixture("image-test.json");
        before_old = json_dumps(old, JSON_SORT_KEYS);
        before_img = json_dumps(image, JSON_SORT_KEYS);
        spec = recreate_spec(old, image, NEW_IMAGE, 44, &later);
        ck_assert_ptr_nonnull(spec);
        /* and the result shares nothing with them */
        json_array_clear(json_object_get(json_object_get(json_object_get(
                json_object_get(spec, "NetworkingConfig"), "EndpointsConfig"), "ut-net-a"), "Aliases"));
        json_object_clear(json_object_get(spec, "HostConfig"));
        after_old = json_dumps(old, JSON_SORT_KEYS);
        after_img = json_dumps(image, JSON_SORT_KEYS);
        ck_assert_str_eq(before_old, after_old);
        ck_assert_str_eq(before_img, after_img);
        free(before_old);
        free(before_img);
        free(after_old);
        free(after_img);
}
END_TEST

START_TEST(malformed)
{
        json_t *sentinel = json_object();
        json_t *base = fixture("container-none.json");
        json_t *bad;

        later = sentinel;
        bad = json_object();
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        ck_assert_ptr_null(later);
        json_decref(bad);

        bad = json_array();
        later = sentinel;
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        ck_assert_ptr_null(later);
        json_decref(bad);

        bad = json_deep_copy(base);
        json_object_del(bad, "Config");
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        json_decref(bad);

        bad = json_deep_copy(base);
        json_object_set_new(bad, "Config", json_string("nope"));
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        json_decref(bad);

        bad = json_deep_copy(base);
        json_object_del(bad, "HostConfig");
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        json_decref(bad);

        bad = json_deep_copy(base);
        json_object_del(bad, "Id");
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        json_decref(bad);

        bad = json_deep_copy(base);
        json_object_set_new(bad, "Id", json_integer(7));
        ck_assert_ptr_null(recreate_spec(bad, NULL, NEW_IMAGE, 44, &later));
        ck_assert_ptr_null(later);
        json_decref(bad);

        /* odd but survivable: no Mounts, no NetworkSettings, a junk image */
        bad = json_deep_copy(base);
        json_object_del(bad, "Mounts");
        json_object_del(bad, "NetworkSettings");
        json_object_set_new(json_object_get(bad, "HostConfig"), "NetworkMode", json_string("ut-net-a"));
        image = json_string("junk");
        spec = recreate_spec(bad, image, NEW_IMAGE, 44, &later);
        ck_assert_ptr_nonnull(spec);
        ck_assert_ptr_null(later);
        ck_assert_ptr_null(json_object_get(spec, "NetworkingConfig"));
        json_is(at(spec, "HostConfig", "Binds"), "[\"/tmp/ut-docker/bind:/bound:ro\",\"ut-named:/named\"]");
        json_decref(bad);

        json_decref(base);
        json_decref(sentinel);
}
END_TEST

START_TEST(names)
{
        json_t *j = json_pack("{s:s}", "Name", "/web");

        ck_assert_str_eq(recreate_name(j), "web");
        json_object_set_new(j, "Name", json_string("plain"));
        ck_assert_str_eq(recreate_name(j), "plain");
        json_object_del(j, "Name");
        ck_assert_ptr_null(recreate_name(j));
        json_decref(j);
}
END_TEST

/* deps.json's ut-side ran with --network container:ut-db: inspect shows
 * db's hostname, which create refuses next to that network mode */
START_TEST(other_containers_namespace)
{
        json_t *all = json_load_file(FIXTURES "/docker/deps.json", 0, NULL);
        const json_t *c, *side = NULL;
        const char *mode;
        size_t i;

        ck_assert_ptr_nonnull(all);
        json_array_foreach(all, i, c)
                if (strcmp(json_string_value(json_object_get(c, "Name")), "/ut-side") == 0)
                        side = c;
        ck_assert_ptr_nonnull(side);
        ck_assert_ptr_nonnull(json_object_get(json_object_get(side, "Config"), "Hostname"));
        spec = recreate_spec(side, NULL, NEW_IMAGE, 41, &later);
        ck_assert_ptr_nonnull(spec);
        ck_assert_ptr_null(json_object_get(spec, "Hostname"));
        ck_assert_ptr_null(json_object_get(spec, "Domainname"));
        ck_assert_ptr_null(json_object_get(spec, "NetworkingConfig"));
        ck_assert_ptr_null(later);
        mode = json_string_value(json_object_get(json_object_get(spec, "HostConfig"), "NetworkMode"));
        ck_assert_ptr_nonnull(mode);
        ck_assert_str_eq(mode, json_string_value(json_object_get(json_object_get(side, "HostConfig"), "NetworkMode")));
        ck_assert(strncmp(mode, "container:", 10) == 0);
        json_decref(all);
}
END_TEST

static Suite *recreate_suite(void)
{
        Suite *s = suite_create("recreate");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, image_replaced);
        tcase_add_test(tc, image_defaults_dropped);
        tcase_add_test(tc, user_cmd_kept);
        tcase_add_test(tc, without_old_image);
        tcase_add_test(tc, hostname);
        tcase_add_test(tc, volumes_rebound);
        tcase_add_test(tc, volumes_rebound_no_binds);
        tcase_add_test(tc, volumes_readonly_and_mounts);
        tcase_add_test(tc, network_none);
        tcase_add_test(tc, networks_api41);
        tcase_add_test(tc, networks_api44);
        tcase_add_test(tc, one_network);
        tcase_add_test(tc, default_bridge);
        tcase_add_test(tc, network_by_id_api41);
        tcase_add_test(tc, network_by_id_api44);
        tcase_add_test(tc, network_by_id_listed_once);
        tcase_add_test(tc, inputs_untouched);
        tcase_add_test(tc, malformed);
        tcase_add_test(tc, names);
        tcase_add_test(tc, other_containers_namespace);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(recreate_suite)
