/* One main() for every Check suite: each tests/unit/test_NAME.c defines
 * NAME_suite() and ends with CHECK_MAIN(NAME_suite).  Each suite is its
 * own binary, so suites can be added without touching a shared list. */
#pragma once
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static inline int check_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

/* Remove a test's scratch tree, depth first, never following a link. */
static inline void rm_tree(const char *top)
{
        nftw(top, check_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

#define CHECK_MAIN(suite_fn)                                            \
        int main(void)                                                  \
        {                                                               \
                SRunner *sr = srunner_create(suite_fn());               \
                int failed;                                             \
                srunner_run_all(sr, CK_NORMAL);                         \
                failed = srunner_ntests_failed(sr);                     \
                srunner_free(sr);                                       \
                return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;       \
        }
