/* deps: the dependency graph, from `docker inspect` of ten containers
 * recorded from a real dockerd (API 1.41) into tests/fixtures/docker/deps.json:
 *
 *   ut-db       compose project ut, service db
 *   ut-app      redock.depends-on=ut-db
 *   ut-web      com.centurylinklabs.watchtower.depends-on=/ut-app
 *   ut-side     --network container:ut-db (stored as container:<full id>)
 *   ut-cache    on network ut-deps
 *   ut-linker   on ut-deps, --link ut-cache:cache
 *   ut-worker   compose project ut, depends_on "db:service_started:false"
 *   ut-cyc-a    redock.depends-on=ut-cyc-b
 *   ut-cyc-b    redock.depends-on=ut-cyc-a
 *   ut-stopped  created, never started, redock.depends-on=ut-db
 */
#include "check_main.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "deps.h"
#include "listing.h"

static json_t *all;
static struct deps_graph g;

static void setup(void)
{
        json_error_t e;

        all = json_load_file(FIXTURES "/docker/deps.json", 0, &e);
        ck_assert_msg(all != NULL, "deps.json:%d: %s", e.line, e.text);
        ck_assert_int_eq(deps_build(all, &g), 0);
        ck_assert_uint_eq(g.n, 10);
}

static void teardown(void)
{
        deps_free(&g);
        json_decref(all);
}

static size_t node(const char *name)
{
        int i = deps_find(&g, name);
        ck_assert_msg(i >= 0, "%s not in the graph", name);
        return (size_t)i;
}

static size_t position(const size_t *order, size_t n, const char *name)
{
        size_t want = node(name);
        for (size_t i = 0; i < n; i++)
                if (order[i] == want)
                        return i;
        ck_abort_msg("%s is not in the order", name);
        return 0;
}

START_TEST(names_and_ids)
{
        size_t db = node("ut-db");

        ck_assert_str_eq(g.nodes[db].name, "ut-db");
        ck_assert_int_eq(deps_find(&g, "/ut-db"), (int)db);
        ck_assert_int_eq(deps_find(&g, g.nodes[db].id), (int)db);
        /* a unique prefix of the id, as Docker takes it */
        {
                char prefix[13];
                snprintf(prefix, sizeof(prefix), "%s", g.nodes[db].id);
                ck_assert_int_eq(deps_find(&g, prefix), (int)db);
        }
        ck_assert_int_eq(deps_find(&g, "ut-nothere"), -1);
        ck_assert_int_eq(deps_find(&g, ""), -1);
        ck_assert(g.nodes[db].running);
        ck_assert(!g.nodes[node("ut-stopped")].running);
}
END_TEST

START_TEST(edge_kinds)
{
        ck_assert(deps_edge(&g, node("ut-app"), node("ut-db"), DEP_LABEL));
        ck_assert(deps_edge(&g, node("ut-web"), node("ut-app"), DEP_LABEL));     /* watchtower's, with '/' */
        ck_assert(deps_edge(&g, node("ut-side"), node("ut-db"), DEP_NETNS));     /* by full id */
        ck_assert(deps_edge(&g, node("ut-linker"), node("ut-cache"), DEP_LINK)); /* network-scoped link */
        ck_assert(deps_edge(&g, node("ut-worker"), node("ut-db"), DEP_COMPOSE)); /* service -> container */
        /* and not the other way round */
        ck_assert(!deps_edge(&g, node("ut-db"), node("ut-app"), DEP_LABEL | DEP_LINK | DEP_NETNS | DEP_COMPOSE));
        ck_assert(!deps_edge(&g, node("ut-side"), node("ut-db"), DEP_LABEL));
        ck_assert(!deps_edge(&g, node("ut-app"), node("ut-web"), DEP_LABEL));
}
END_TEST

START_TEST(dependents_of_db_in_start_order)
{
        size_t out[10], n;
        char why[256] = "";

        ck_assert_int_eq(deps_dependents(&g, node("ut-db"), out, &n, why, sizeof(why)), 0);
        /* app, web (through app), side, worker, stopped; not db itself,
         * not the cache pair, not the cycle */
        ck_assert_uint_eq(n, 5);
        ck_assert_uint_lt(position(out, n, "ut-app"), position(out, n, "ut-web"));
        position(out, n, "ut-side");
        position(out, n, "ut-worker");
        position(out, n, "ut-stopped");
        for (size_t i = 0; i < n; i++) {
                ck_assert_uint_ne(out[i], node("ut-db"));
                ck_assert_uint_ne(out[i], node("ut-cache"));
                ck_assert_uint_ne(out[i], node("ut-cyc-a"));
        }
}
END_TEST

START_TEST(leaf_has_no_dependents)
{
        size_t out[10], n = 99;

        ck_assert_int_eq(deps_dependents(&g, node("ut-web"), out, &n, NULL, 0), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(deps_dependents(&g, node("ut-cache"), out, &n, NULL, 0), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_uint_eq(out[0], node("ut-linker"));
}
END_TEST

START_TEST(cycle_is_an_error_with_its_path)
{
        size_t out[10], n;
        char why[256] = "";

        ck_assert_int_eq(deps_dependents(&g, node("ut-cyc-a"), out, &n, why, sizeof(why)), -ELOOP);
        ck_assert_msg(strstr(why, "ut-cyc-a") && strstr(why, "ut-cyc-b") && strstr(why, " -> "), "why: %s", why);
}
END_TEST

START_TEST(sort_puts_dependencies_first)
{
        size_t idx[4] = { node("ut-web"), node("ut-worker"), node("ut-db"), node("ut-app") };
        size_t db, app, web;
        char why[256];

        ck_assert_int_eq(deps_sort(&g, idx, 4, why, sizeof(why)), 0);
        db = position(idx, 4, "ut-db");
        app = position(idx, 4, "ut-app");
        web = position(idx, 4, "ut-web");
        ck_assert_uint_lt(db, app);
        ck_assert_uint_lt(app, web);
        ck_assert_uint_lt(db, position(idx, 4, "ut-worker"));
}
END_TEST

START_TEST(sort_sees_through_containers_outside_the_set)
{
        /* web depends on db only through app, which is not in the set */
        size_t idx[2] = { node("ut-web"), node("ut-db") };

        ck_assert_int_eq(deps_sort(&g, idx, 2, NULL, 0), 0);
        ck_assert_uint_eq(idx[0], node("ut-db"));
        ck_assert_uint_eq(idx[1], node("ut-web"));
}
END_TEST

START_TEST(sort_refuses_a_cycle_and_keeps_the_order)
{
        size_t idx[3] = { node("ut-cyc-b"), node("ut-db"), node("ut-cyc-a") };
        char why[256] = "";

        ck_assert_int_eq(deps_sort(&g, idx, 3, why, sizeof(why)), -ELOOP);
        ck_assert_uint_eq(idx[0], node("ut-cyc-b"));
        ck_assert_uint_eq(idx[1], node("ut-db"));
        ck_assert_uint_eq(idx[2], node("ut-cyc-a"));
        ck_assert_msg(strstr(why, "ut-cyc-"), "why: %s", why);
}
END_TEST

START_TEST(independent_sets)
{
        size_t free_pair[2] = { node("ut-web"), node("ut-linker") };
        size_t db_app[2] = { node("ut-db"), node("ut-app") };
        size_t app_db[2] = { node("ut-app"), node("ut-db") };
        size_t far[2] = { node("ut-web"), node("ut-db") };     /* through app */
        size_t cyc[2] = { node("ut-cyc-a"), node("ut-linker") };
        char why[256] = "";

        ck_assert(deps_independent(&g, free_pair, 2, why, sizeof(why)));
        ck_assert(deps_independent(&g, free_pair, 1, why, sizeof(why)));
        ck_assert(!deps_independent(&g, db_app, 2, why, sizeof(why)));
        ck_assert_str_eq(why, "ut-app depends on ut-db");
        ck_assert(!deps_independent(&g, app_db, 2, why, sizeof(why)));
        ck_assert_str_eq(why, "ut-app depends on ut-db");
        ck_assert(!deps_independent(&g, far, 2, why, sizeof(why)));
        ck_assert_str_eq(why, "ut-web depends on ut-db");
        ck_assert(!deps_independent(&g, cyc, 2, why, sizeof(why)));
        ck_assert_str_eq(why, "ut-cyc-a is in a dependency cycle");
}
END_TEST

/* Two containers that are independent of each other but share a
 * dependent: stopping and starting it is one update's job, not two's. */
START_TEST(shared_dependent)
{
        struct deps_graph h;
        json_t *j = json_loads("[{\"Name\":\"/x\",\"Id\":\"x1\",\"Config\":{\"Labels\":{}}},"
                               "{\"Name\":\"/y\",\"Id\":\"y1\",\"Config\":{\"Labels\":{}}},"
                               "{\"Name\":\"/z\",\"Id\":\"z1\",\"Config\":{\"Labels\":"
                               "{\"redock.depends-on\":\"x,y\"}}}]", 0, NULL);
        size_t xy[2] = { 0, 1 };
        char why[256] = "";

        ck_assert_ptr_nonnull(j);
        ck_assert_int_eq(deps_build(j, &h), 0);
        ck_assert(deps_edge(&h, 2, 0, DEP_LABEL) && deps_edge(&h, 2, 1, DEP_LABEL));
        ck_assert(!deps_independent(&h, xy, 2, why, sizeof(why)));
        ck_assert_str_eq(why, "z depends on both x and y");
        deps_free(&h);
        json_decref(j);
}
END_TEST

START_TEST(hostile_shapes)
{
        struct deps_graph h;
        json_t *j = json_loads("[{\"Name\":\"/a\",\"Id\":\"aaaa1\",\"HostConfig\":{\"NetworkMode\":\"container:\","
                               "\"Links\":[\":x\",\"\",7,\"/a:/a/self\"]},\"Config\":{\"Labels\":{"
                               "\"redock.depends-on\":\",,a, ,\",\"com.docker.compose.depends_on\":\":::,\","
                               "\"com.docker.compose.project\":\"p\"}}},"
                               "{\"Id\":5}, 3, null]", 0, NULL);
        size_t out[4], n;

        ck_assert_ptr_nonnull(j);
        ck_assert_int_eq(deps_build(j, &h), 0);
        ck_assert_uint_eq(h.n, 4);
        /* no self edge, nothing from the junk */
        for (size_t i = 0; i < h.n * h.n; i++)
                ck_assert_int_eq(h.edge[i], 0);
        ck_assert_int_eq(deps_dependents(&h, 0, out, &n, NULL, 0), 0);
        ck_assert_uint_eq(n, 0);
        deps_free(&h);
        json_decref(j);
}
END_TEST

/* listing: GET /containers/json?all=1 recorded from a real dockerd (API
 * 1.41) into tests/fixtures/docker/list.json:
 *
 *   ut-db       redock.enable=true, on network ut-list
 *   ut-web      on ut-list, --link ut-db:dbalias (a network-scoped link:
 *               the list does not show it)
 *   ut-side     --network container:ut-db
 *   ut-app      redock.depends-on=ut-db; its Names were given a legacy
 *               link name by hand ("/ut-web/app", first), as the test
 *               daemon has no default bridge to make one on
 *   ut-other    nothing
 *   ut-stopped  created, never started, redock.enable=true
 *   ut-new      redock.enable=true, made after the tag moved on: the only
 *               one the list shows by reference, the others by image id
 */
static json_t *listed(void)
{
        json_error_t e;
        json_t *list = json_load_file(FIXTURES "/docker/list.json", 0, &e), *arr;

        ck_assert_msg(list != NULL, "list.json:%d: %s", e.line, e.text);
        arr = listing_from_list(list);
        json_decref(list);
        ck_assert_ptr_nonnull(arr);
        ck_assert_uint_eq(json_array_size(arr), 7);
        return arr;
}

static const json_t *summary_of(const json_t *arr, const char *name)
{
        const json_t *c;
        size_t i;

        json_array_foreach(arr, i, c)
                if (strcmp(json_string_value(json_object_get(c, "Name")), name) == 0)
                        return c;
        ck_abort_msg("%s not listed", name);
        return NULL;
}

START_TEST(listing_summaries_look_like_inspect)
{
        json_t *arr = listed();
        const json_t *app = summary_of(arr, "/ut-app"), *fresh = summary_of(arr, "/ut-new");

        /* its own name, not the link name listed first */
        ck_assert_ptr_nonnull(app);
        ck_assert_str_eq(json_string_value(json_object_get(app, "Image")),
                         "sha256:e5bd1d5fdde800150e8bfe972e340f11a9a98b9845b2df4cc6c47c301a81fb2f");
        /* shown by image id: no reference, inspect has it */
        ck_assert(json_is_null(json_object_get(json_object_get(app, "Config"), "Image")));
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(fresh, "Config"), "Image")),
                         "127.0.0.1:15500/lk/a:v1");
        ck_assert(json_is_true(json_object_get(json_object_get(fresh, "State"), "Running")));
        ck_assert(json_is_false(json_object_get(json_object_get(summary_of(arr, "/ut-stopped"), "State"),
                                                "Running")));
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(app, "Config"),
                                                                           "Labels"), "redock.depends-on")),
                         "ut-db");
        /* the legacy link moved to the linker, as inspect shows it */
        ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(
                                 summary_of(arr, "/ut-web"), "HostConfig"), "Links"), 0)),
                         "/ut-app:/ut-web/app");
        json_decref(arr);
}
END_TEST

START_TEST(listing_graph_and_what_a_push_ties)
{
        json_t *arr = listed();
        struct deps_graph h;
        bool tied[7] = { false };
        int db, web, side, app, other, stopped, fresh;

        ck_assert_int_eq(deps_build(arr, &h), 0);
        db = deps_find(&h, "ut-db");
        web = deps_find(&h, "ut-web");
        side = deps_find(&h, "ut-side");
        app = deps_find(&h, "ut-app");
        other = deps_find(&h, "ut-other");
        stopped = deps_find(&h, "ut-stopped");
        fresh = deps_find(&h, "ut-new");
        ck_assert(db >= 0 && web >= 0 && side >= 0 && app >= 0 && other >= 0 && stopped >= 0 && fresh >= 0);
        ck_assert(deps_edge(&h, (size_t)side, (size_t)db, DEP_NETNS));
        ck_assert(deps_edge(&h, (size_t)app, (size_t)db, DEP_LABEL));
        ck_assert(deps_edge(&h, (size_t)web, (size_t)app, DEP_LINK));
        /* web's link to db is not in the list: no edge, but it shares db's network */
        ck_assert(!deps_edge(&h, (size_t)web, (size_t)db, DEP_LINK));
        tied[db] = true;
        listing_tied(arr, &h, tied);
        ck_assert(tied[db] && tied[web] && tied[side] && tied[app]);
        ck_assert(!tied[other] && !tied[stopped] && !tied[fresh]);
        /* a follower on no shared network ties only what depends on it */
        memset(tied, 0, sizeof(tied));
        tied[fresh] = true;
        listing_tied(arr, &h, tied);
        ck_assert(tied[fresh] && !tied[db] && !tied[web] && !tied[side] && !tied[app] && !tied[other]);
        deps_free(&h);
        json_decref(arr);
}
END_TEST

static Suite *deps_suite(void)
{
        Suite *s = suite_create("deps");
        TCase *tc = tcase_create("graph");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, names_and_ids);
        tcase_add_test(tc, edge_kinds);
        tcase_add_test(tc, dependents_of_db_in_start_order);
        tcase_add_test(tc, leaf_has_no_dependents);
        tcase_add_test(tc, cycle_is_an_error_with_its_path);
        tcase_add_test(tc, sort_puts_dependencies_first);
        tcase_add_test(tc, sort_sees_through_containers_outside_the_set);
        tcase_add_test(tc, sort_refuses_a_cycle_and_keeps_the_order);
        tcase_add_test(tc, independent_sets);
        tcase_add_test(tc, shared_dependent);
        suite_add_tcase(s, tc);
        tc = tcase_create("listing");
        tcase_add_test(tc, listing_summaries_look_like_inspect);
        tcase_add_test(tc, listing_graph_and_what_a_push_ties);
        suite_add_tcase(s, tc);
        tc = tcase_create("hostile");
        tcase_add_test(tc, hostile_shapes);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(deps_suite)
