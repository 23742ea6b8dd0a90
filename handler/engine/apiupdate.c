/* apiupdate: not written yet (issue 17); answers 404 meanwhile. */
#include "apiroute.h"

int api_update(const struct api_call *call)
{
        return api_answer(call, 404, "{\"error\":\"not found\"}");
}

