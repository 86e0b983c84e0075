#include "registry/progress.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/lb_alloc.h"

#define REDRAW_MS 100

struct lb_progress {
	FILE *tty;
	pthread_mutex_t lock;  /* everything below */
	uint64_t done, total;
	unsigned active;
	long last_ms;          /* last redraw; 0: never */
	int shown;             /* the line is on the terminal */
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
human(char *out, size_t cap, uint64_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4)
		v /= 1024, u++;
	if (u == 0)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else
		snprintf(out, cap, "%.1f %s", v, unit[u]);
}

char *
lb_progress_format(char *out, size_t cap, uint64_t done, uint64_t total, unsigned active)
{
	char d[32], t[32];

	human(d, sizeof(d), done);
	human(t, sizeof(t), total);
	if (total > 0 && done <= total)
		snprintf(out, cap, "downloading %u blob%s: %s of %s (%u%%)", active, active == 1 ? "" : "s",
		    d, t, (unsigned)(done * 100 / total));
	else
		snprintf(out, cap, "downloading %u blob%s: %s", active, active == 1 ? "" : "s", d);
	return out;
}

/* Called with the lock held. */
static void
draw(struct lb_progress *p, int force)
{
	long now = now_ms();
	char line[160];

	if (!force && p->last_ms && now - p->last_ms < REDRAW_MS)
		return;
	p->last_ms = now;
	lb_progress_format(line, sizeof(line), p->done, p->total, p->active);
	/* "\r" and erase-line: one line, redrawn in place */
	fprintf(p->tty, "\r\033[Klifebelt: %s", line);
	fflush(p->tty);
	p->shown = 1;
}

static void
clear(struct lb_progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", p->tty);
		fflush(p->tty);
		p->shown = 0;
	}
}

struct lb_progress *
lb_progress_new(FILE *tty)
{
	struct lb_progress *p;

	if (!tty)
		return NULL;
	p = lb_xcalloc(1, sizeof(*p));
	p->tty = tty;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void
lb_progress_free(struct lb_progress *p)
{
	if (!p)
		return;
	clear(p);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void
lb_progress_begin(struct lb_progress *p, int64_t size)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->active++;
	if (size > 0)
		p->total += (uint64_t)size;
	draw(p, 0);
	pthread_mutex_unlock(&p->lock);
}

void
lb_progress_add(struct lb_progress *p, uint64_t n)
{
	if (!p || n == 0)
		return;
	pthread_mutex_lock(&p->lock);
	p->done += n;
	draw(p, 0);
	pthread_mutex_unlock(&p->lock);
}

void
lb_progress_end(struct lb_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->active)
		p->active--;
	if (p->active == 0) {
		/* the next image (or platform) starts from zero */
		clear(p);
		p->done = p->total = 0;
		p->last_ms = 0;
	}
	pthread_mutex_unlock(&p->lock);
}
