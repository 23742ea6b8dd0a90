/* One main() for every Check suite: each tests/unit/test_NAME.c defines
 * NAME_suite() and ends with CHECK_MAIN(NAME_suite).  Each suite is its
 * own binary, so suites can be added without touching a shared list. */
#pragma once
#include <check.h>
#include <stdlib.h>

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
