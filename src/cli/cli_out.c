/* cli_out.c - what the report-writing subcommands share: the report's
 * output (stdout, or a file written beside its target and renamed when
 * complete), the scan time, and the --severity list. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "match/match.h"

int
lb_cli_out_open(struct lb_ctx *cx, struct lb_cli_out *o, const char *path)
{
	o->f = stdout;
	o->path = path;
	o->tmp = NULL;
	if (path) {
		/* written next to the target and renamed, so a failed run leaves no half report */
		o->tmp = lb_xasprintf("%s.lifebelt-tmp", path);
		if (!(o->f = fopen(o->tmp, "w"))) {
			lb_err(cx, "cannot write '%s': %s", path, strerror(errno));
			o->f = stdout;
			free(o->tmp);
			o->tmp = NULL;
			return EX_CANTCREAT;
		}
	}
	/* reports of many packages are written token by token: buffer them */
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return 0;
}

int
lb_cli_out_close(struct lb_ctx *cx, struct lb_cli_out *o, int r)
{
	if (fflush(o->f) != 0 || ferror(o->f)) {
		if (r >= 0)
			lb_err(cx, "cannot write the report: %s", strerror(errno));
		r = r < 0 ? r : -EIO;
	}
	if (o->tmp) {
		if (fclose(o->f) != 0 && r >= 0)
			r = -errno;
		if (r >= 0 && rename(o->tmp, o->path) != 0) {
			r = -errno;
			lb_err(cx, "cannot write '%s': %s", o->path, strerror(errno));
		}
		if (r < 0)
			unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	o->f = stdout;
	return r;
}

void
lb_cli_now_rfc3339(char *out, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long
lb_cli_severities(const char *list)
{
	long mask = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		char word[16];
		int s;

		if (n == 0 || n >= sizeof(word))
			return -1;
		memcpy(word, p, n);
		word[n] = 0;
		if ((s = lb_severity_parse(word)) < 0)
			return -1;
		mask |= 1L << s;
		p += n + (p[n] == ',');
	}
	return mask ? mask : -1;
}

int
lb_cli_number(const char *opt, const char *arg, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < lo || n > hi) {
		fprintf(stderr, "lifebelt: %s takes a number from %d to %d\n", opt, lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}
