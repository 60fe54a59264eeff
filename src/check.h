/* `chartd check`: the configuration, the scripts (the reload self-test, in the state a worker builds), and optionally the LLM. */
#ifndef CHARTD_CHECK_H
#define CHARTD_CHECK_H

#include <stddef.h>

#include "config.h"

/* The scripts on disk as a generation, built and self-tested exactly as a hot reload does.
 * Returns 0, or -1 with err ("lua/charts/bar.lua:3: ..."). */
int check_scripts(const struct chartd_config *cfg, char *err, size_t errlen);

/* One cheap call to the LLM API (planner.llm_client.check) from a worker's kind of state,
 * proving the key and the model. Returns 0 with "LLM OK: ..." in msg, or -1 with the error. */
int check_llm(const struct chartd_config *cfg, char *msg, size_t msglen);

#endif
