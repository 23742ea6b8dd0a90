/* imagecfg: which manifest of an index is this host's, the config a
 * manifest names, and the created time of a config (RFC 3339, and the
 * placeholders reproducible builds write). */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "imagecfg.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static int pick(const char *json, const struct imagecfg_platform *p, char *d)
{
        return imagecfg_pick(json, strlen(json), p, d, 100);
}

START_TEST(index_entries)
{
        const struct imagecfg_platform amd64 = { "linux", "amd64", "" };
        const struct imagecfg_platform armv7 = { "linux", "arm", "v7" };
        const struct imagecfg_platform none = { "linux", "", "" };
        const char *idx = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                          "\"manifests\":["
                          "{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
                          "{\"digest\":\"" D2 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}},"
                          "{\"digest\":\"" D3 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        char d[100];

        ck_assert_int_eq(pick(idx, &amd64, d), IMAGECFG_INDEX);
        ck_assert_str_eq(d, D3);
        /* the variant decides between two of one architecture */
        ck_assert_int_eq(pick(idx, &armv7, d), IMAGECFG_INDEX);
        ck_assert_str_eq(d, D2);
        /* no entry for this host: the first */
        ck_assert_int_eq(pick(idx, &none, d), IMAGECFG_INDEX);
        ck_assert_str_eq(d, D1);
        ck_assert_int_eq(pick("{\"manifests\":[{\"digest\":\"" D1 "\",\"platform\":{\"os\":\"windows\","
                              "\"architecture\":\"amd64\"}}]}", &amd64, d), IMAGECFG_INDEX);
        ck_assert_str_eq(d, D1);
        /* an entry without a variant suits a host that has one */
        ck_assert_int_eq(pick("{\"manifests\":[{\"digest\":\"" D1 "\"},{\"digest\":\"" D2 "\",\"platform\":"
                              "{\"os\":\"linux\",\"architecture\":\"arm\"}}]}", &armv7, d), IMAGECFG_INDEX);
        ck_assert_str_eq(d, D2);
}
END_TEST

START_TEST(image_manifest)
{
        struct imagecfg_platform p;
        char d[100], small[10];

        imagecfg_host_platform(&p);
        ck_assert_str_eq(p.os, "linux");
        ck_assert_int_eq(pick("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
                              "\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}", &p, d), IMAGECFG_IMAGE);
        ck_assert_str_eq(d, D1);
        ck_assert_int_eq(imagecfg_pick("{\"config\":{\"digest\":\"" D1 "\"}}", strlen("{\"config\":{\"digest\":\"" D1 "\"}}"),
                                       &p, small, sizeof(small)), -E2BIG);
        /* refused: not JSON, schema 1 (no config), bad digests, an empty index */
        ck_assert_int_eq(pick("not json", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("[]", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"schemaVersion\":1,\"fsLayers\":[]}", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"config\":{\"digest\":\"sha256:xyz\"}}", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"config\":{\"digest\":\"../../etc\"}}", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"manifests\":[]}", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"manifests\":[{\"digest\":\"" D1 "\"}],\"manifests\":[]}", &p, d), -EBADMSG);
        ck_assert_int_eq(pick("{\"manifests\":[{\"digest\":7}]}", &p, d), -EBADMSG);
}
END_TEST

START_TEST(created_times)
{
        long long t = 0;

        ck_assert_int_eq(imagecfg_parse_time("2020-01-01T00:00:00Z", &t), 0);
        ck_assert_int_eq(t, 1577836800LL);
        ck_assert_int_eq(imagecfg_parse_time("2026-12-01T23:10:23.123456789Z", &t), 0);
        ck_assert_int_eq(t, 1796166623LL);
        ck_assert_int_eq(imagecfg_parse_time("2020-01-01T01:30:00+01:30", &t), 0);
        ck_assert_int_eq(t, 1577836800LL);
        ck_assert_int_eq(imagecfg_parse_time("2019-12-31T22:00:00-02:00", &t), 0);
        ck_assert_int_eq(t, 1577836800LL);
        /* placeholders: the epoch, its second 1 (nix), Go's zero time */
        ck_assert_int_eq(imagecfg_parse_time("1970-01-01T00:00:00Z", &t), -ERANGE);
        ck_assert_int_eq(imagecfg_parse_time("1970-01-01T00:00:01Z", &t), -ERANGE);
        ck_assert_int_eq(imagecfg_parse_time("0001-01-01T00:00:00Z", &t), -ERANGE);
        ck_assert_int_eq(imagecfg_parse_time("1999-12-31T23:59:59Z", &t), -ERANGE);
        /* not RFC 3339 */
        static const char *const bad[] = { "", "2020", "2020-01-01", "2020-01-01T00:00:00", "2020-01-01T00:00:00.Z",
                                           "2020-13-01T00:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01T00:00:00Zx",
                                           "2020-01-01T00:00:00+0100", "2020-01-01T00:00:00+25:00", "20-01-01T00:00:00Z",
                                           "2020-01-01 T00:00:00Z" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(imagecfg_parse_time(bad[i], &t) == -EBADMSG, "%s", bad[i]);
}
END_TEST

static int created(const char *json, long long *t)
{
        return imagecfg_created(json, strlen(json), t);
}

START_TEST(config_created)
{
        const char *ok = "{\"architecture\":\"amd64\",\"created\":\"2020-01-01T00:00:00Z\",\"os\":\"linux\"}";
        long long t = 0;

        ck_assert_int_eq(created(ok, &t), 0);
        ck_assert_int_eq(t, 1577836800LL);
        ck_assert_int_eq(created("{\"os\":\"linux\"}", &t), -ENOENT);
        ck_assert_int_eq(created("{\"created\":7}", &t), -ENOENT);
        ck_assert_int_eq(created("{\"created\":\"yesterday\"}", &t), -EBADMSG);
        ck_assert_int_eq(created("{\"created\":\"1970-01-01T00:00:00Z\"}", &t), -ERANGE);
        ck_assert_int_eq(created("nope", &t), -EBADMSG);
}
END_TEST

static Suite *imagecfg_suite(void)
{
        Suite *s = suite_create("imagecfg");
        TCase *tc = tcase_create("imagecfg");

        tcase_add_test(tc, index_entries);
        tcase_add_test(tc, image_manifest);
        tcase_add_test(tc, created_times);
        tcase_add_test(tc, config_created);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(imagecfg_suite)
