/* `chartd sign`: prints a signed chart URL (GET /v1/charts?…&sig=…) for a spec file or a query. */
#ifndef CHARTD_SIGN_H
#define CHARTD_SIGN_H

#include "config.h"

/* argv: the arguments after "sign". Returns the exit code (0, 1 input or output problem,
 * 2 usage or no signing key). */
int sign_command(const struct chartd_config *cfg, int argc, char **argv);

#endif
