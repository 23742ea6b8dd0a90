/* lifecycle: commands in containers. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "lifecycle.h"

int lifecycle_exec(struct docker *d, const char *id, const char *cmd, int timeout_s)
{
        json_t *body, *reply = NULL;
        char path[512], exec_id[80];
        struct timespec pause = { 0, 100 * 1000000L };
        time_t deadline = time(NULL) + timeout_s;
        int status;

        body = json_pack("{s:[s,s,s],s:b,s:b}", "Cmd", "sh", "-c", cmd,
                         "AttachStdout", 0, "AttachStderr", 0);
        snprintf(path, sizeof(path), "/containers/%s/exec", id);
        status = docker_call(d, "POST", path, body, &reply, 0);
        json_decref(body);
        if (status != 201 || !json_string_value(json_object_get(reply, "Id"))) {
                json_decref(reply);
                return -EIO;
        }
        snprintf(exec_id, sizeof(exec_id), "%s", json_string_value(json_object_get(reply, "Id")));
        json_decref(reply);

        body = json_pack("{s:b}", "Detach", 1);
        snprintf(path, sizeof(path), "/exec/%s/start", exec_id);
        status = docker_call(d, "POST", path, body, NULL, 0);
        json_decref(body);
        if (status != 200)
                return -EIO;

        snprintf(path, sizeof(path), "/exec/%s/json", exec_id);
        for (;;) {
                json_t *ins = NULL;
                int code = -1;

                status = docker_call(d, "GET", path, NULL, &ins, 0);
                if (status != 200) {
                        json_decref(ins);
                        return -EIO;
                }
                if (!json_is_true(json_object_get(ins, "Running")))
                        code = (int)json_integer_value(json_object_get(ins, "ExitCode"));
                json_decref(ins);
                if (code >= 0)
                        return code;
                if (time(NULL) > deadline)
                        return -ETIMEDOUT;
                nanosleep(&pause, NULL);
        }
}
