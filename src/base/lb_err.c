#include "base/lb_err.h"

#include <errno.h>
#include <string.h>
#include <sysexits.h>

const char *
lb_strerror(int r)
{
	if (r < 0)
		r = -r;
	switch (r) {
	case 0: return "success";
	case LB_E_FORMAT: return "malformed input";
	case LB_E_LIMIT: return "limit exceeded";
	case LB_E_DIGEST: return "digest mismatch";
	case LB_E_UNSUPPORTED: return "unsupported";
	case LB_E_NOTFOUND: return "not found";
	case LB_E_INTERNAL: return "internal error";
	case LB_E_USAGE: return "usage error";
	case LB_E_TRUNCATED: return "unexpected end of data";
	}
	if (r < LB_E_FIRST)
		return strerror(r);
	return "unknown error";
}

int
lb_exit_status(int r)
{
	if (r >= 0)
		return 0;
	switch (-r) {
	case LB_E_USAGE: return EX_USAGE;
	case LB_E_FORMAT: case LB_E_LIMIT: case LB_E_DIGEST:
	case LB_E_UNSUPPORTED: case LB_E_TRUNCATED: return EX_DATAERR;
	case LB_E_NOTFOUND: case ENOENT: case ENOTDIR: return EX_NOINPUT;
	case LB_E_INTERNAL: case ENOMEM: return EX_SOFTWARE;
	case EACCES: case EPERM: return EX_NOINPUT;
	case EAGAIN: return EX_TEMPFAIL;
	}
	return EX_IOERR;
}
