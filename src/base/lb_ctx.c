#include "base/lb_ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_limits.h"

void
lb_ctx_init(struct lb_ctx *cx, FILE *log)
{
	long n;

	memset(cx, 0, sizeof(*cx));
	pthread_mutex_init(&cx->lock, NULL);
	cx->log = log;
	cx->verbosity = LB_LOG_WARN;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	cx->nthreads = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
}

void
lb_ctx_release(struct lb_ctx *cx)
{
	for (size_t i = 0; i < cx->nkept; i++)
		free(cx->warnings[i]);
	free(cx->warnings);
	pthread_mutex_destroy(&cx->lock);
}

/* Message text is sanitised so that image-supplied names cannot carry
 * terminal escape sequences into the log. */
static void vlog(struct lb_ctx *cx, enum lb_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
vlog(struct lb_ctx *cx, enum lb_level lvl, const char *fmt, va_list ap)
{
	static const char *const prefix[] = { "error", "warning", "info", "debug" };
	char *raw = NULL, *safe;
	size_t n;

	if (vasprintf(&raw, fmt, ap) < 0)
		return;
	n = strlen(raw) + 1;
	safe = lb_xmalloc(n);
	lb_safe(safe, n, raw);
	free(raw);
	pthread_mutex_lock(&cx->lock);
	if (lvl == LB_LOG_WARN) {
		cx->nwarn++;
		if (cx->nkept < LB_MAX_WARNINGS) {
			lb_xgrow(&cx->warnings, &cx->capwarn, cx->nkept + 1, sizeof(char *));
			cx->warnings[cx->nkept++] = lb_xstrdup(safe);
		}
	}
	if (cx->log && (int)lvl <= cx->verbosity) {
		fprintf(cx->log, "lifebelt: %s: %s\n", prefix[lvl], safe);
		fflush(cx->log);
	}
	pthread_mutex_unlock(&cx->lock);
	free(safe);
}

#define LOGFN(fn, lvl) \
	void fn(struct lb_ctx *cx, const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		vlog(cx, lvl, fmt, ap); \
		va_end(ap); \
	}
LOGFN(lb_err, LB_LOG_ERROR)
LOGFN(lb_warn, LB_LOG_WARN)
LOGFN(lb_info, LB_LOG_INFO)
LOGFN(lb_debug, LB_LOG_DEBUG)

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls and bidi overrides can reorder or hide terminal text */
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0xfeff)
		return 0;
	return len;
}

const char *
lb_safe(char *out, size_t cap, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), o = 0, l;

	if (cap == 0)
		return out;
	while (*p && o + 1 < cap) {
		if (*p < 0x20 || *p == 0x7f) {
			out[o++] = '?';
			p++, n--;
			continue;
		}
		l = utf8_len(p, n);
		if (l == 0 || o + l >= cap) {
			out[o++] = '?';
			p++, n--;
			continue;
		}
		memcpy(out + o, p, l);
		o += l, p += l, n -= l;
	}
	out[o] = 0;
	return out;
}
