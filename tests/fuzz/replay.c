/* Replay a fuzz harness over files, without libFuzzer: every regular file
 * in the directories (or the files) given runs once through
 * LLVMFuzzerTestOneInput(), in name order.  Built with gcc into
 * build/fuzz/replay/NAME and, with ASan+UBSan, build/san/fuzz/replay/NAME;
 * tests/run runs them over tests/fuzz/corpus/NAME and build/fuzz/seed/NAME.
 *
 * Prints "replay: N inputs ..." at the end.  A crash or sanitizer report
 * names the input that caused it. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz.h"

/* in the sanitizer runtimes only */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current = "(none)";

static void say_current(void)
{
        fprintf(stderr, "replay: the input was %s\n", current);
}

static void on_signal(int sig)
{
        /* async-signal-safe: write() only */
        static const char msg[] = "replay: crashed on ";
        ssize_t ignored;

        ignored = write(2, msg, sizeof(msg) - 1);
        ignored = write(2, current, strlen(current));
        ignored = write(2, "\n", 1);
        (void)ignored;
        signal(sig, SIG_DFL);
        raise(sig);
}

static int run_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf;
        long n;

        if (!f) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -1;
        }
        if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
                fclose(f);
                return -1;
        }
        /* exactly n bytes, so ASan sees reads past the input */
        buf = malloc(n ? (size_t)n : 1);
        if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
                fprintf(stderr, "replay: %s: short read\n", path);
                free(buf);
                fclose(f);
                return -1;
        }
        fclose(f);
        current = path;
        LLVMFuzzerTestOneInput(buf, (size_t)n);
        current = "(none)";
        free(buf);
        return 0;
}

static int is_dir(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
        size_t inputs = 0, errors = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
                return 2;
        }
        if (__sanitizer_set_death_callback) {
                __sanitizer_set_death_callback(say_current);
        } else {
                signal(SIGSEGV, on_signal);
                signal(SIGBUS, on_signal);
                signal(SIGABRT, on_signal);
                signal(SIGFPE, on_signal);
                signal(SIGILL, on_signal);
        }
        for (int i = 1; i < argc; i++) {
                struct dirent **ents;
                int n;

                if (!is_dir(argv[i])) {
                        if (run_file(argv[i]) < 0)
                                errors++;
                        else
                                inputs++;
                        continue;
                }
                n = scandir(argv[i], &ents, NULL, alphasort);
                if (n < 0) {
                        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                        errors++;
                        continue;
                }
                for (int j = 0; j < n; j++) {
                        char path[4096];
                        struct stat st;

                        snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
                        if (ents[j]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                                if (run_file(path) < 0)
                                        errors++;
                                else
                                        inputs++;
                        }
                        free(ents[j]);
                }
                free(ents);
        }
        printf("replay: %zu inputs from %d paths, %zu unreadable\n", inputs, argc - 1, errors);
        return errors ? 1 : 0;
}
