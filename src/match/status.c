/* status.c - names of advisory statuses, kept apart from the matcher so
 * that report writers do not pull the matcher in. */
#include "match/match.h"

#include <strings.h>

const char *
lb_vstatus_name(int status)
{
	switch (status) {
	case LB_VS_FIXED: return "fixed";
	case LB_VS_AFFECTED: return "affected";
	case LB_VS_WONTFIX: return "will-not-fix";
	case LB_VS_NODSA: return "no-dsa";
	case LB_VS_EOL: return "end-of-life";
	case LB_VS_NOT_AFFECTED: return "not-affected";
	}
	return "unknown";
}

int
lb_severity_parse(const char *name)
{
	static const char *const names[] = { "UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

	for (int i = 0; i < 5; i++)
		if (name && strcasecmp(name, names[i]) == 0)
			return i;
	return -1;
}
