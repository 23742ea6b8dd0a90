/* Fuzz the job file parser: job_parse() (handler/common/queue.c), which reads
 * what split mode's webhook -- the process facing the network -- leaves
 * in the inbox, and every queued job.
 *
 * Input: a job file's bytes.  A job parsed must hold only what the one
 * grammar takes (imageref_valid_*, source_name_valid), within limits. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "imageref.h"
#include "bounds.h"
#include "queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct job job;
        int r = job_parse((const char *)data, size, "fuzz.job", &job);

        if (size > JOB_FILE_MAX)
                FUZZ_ASSERT(r == -EFBIG);
        if (r != 0)
                return 0;
        FUZZ_ASSERT(source_name_valid(job.source));
        FUZZ_ASSERT(!job.ev.registry[0] || imageref_valid_host(job.ev.registry));
        FUZZ_ASSERT(imageref_valid_repository(job.ev.repository));
        FUZZ_ASSERT(imageref_valid_tag(job.ev.tag));
        FUZZ_ASSERT(!job.ev.digest[0] || imageref_valid_digest(job.ev.digest));
        FUZZ_ASSERT(strcmp(job.name, "fuzz.job") == 0);
        FUZZ_ASSERT(job.received >= 0);
        return 0;
}
