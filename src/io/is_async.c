/* A read-ahead thread: the wrapped stream (e.g. file -> digest -> inflate)
 * runs in its own thread while the reader (digest -> tar walk) runs in
 * the caller's, so inflating and hashing a layer use two cores. */
#include "io/istream.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

#define ASYNC_SLOTS 4
#define ASYNC_SLOT (512u << 10)

struct slot {
	uint8_t *p;
	size_t len, off;
};

struct is_async {
	struct lb_istream is;
	struct lb_istream *src;
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct slot slots[ASYNC_SLOTS];
	size_t head, count;     /* filled slots: head .. head+count-1 */
	int end;                /* producer finished: 0 or error code, valid when done */
	int done, stop;
	int lent;               /* the head slot is lent to the reader (borrow) */
};

static void *
producer(void *arg)
{
	struct is_async *a = arg;
	size_t tail;
	ssize_t n;

	for (;;) {
		pthread_mutex_lock(&a->lock);
		while (a->count == ASYNC_SLOTS && !a->stop)
			pthread_cond_wait(&a->cv, &a->lock);
		if (a->stop) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		tail = (a->head + a->count) % ASYNC_SLOTS;
		pthread_mutex_unlock(&a->lock);

		n = lb_is_read(a->src, a->slots[tail].p, ASYNC_SLOT);

		pthread_mutex_lock(&a->lock);
		if (n <= 0) {
			a->end = (int)n;
			a->done = 1;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->lock);
			break;
		}
		a->slots[tail].len = (size_t)n;
		a->slots[tail].off = 0;
		a->count++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

/* Gives the slot at head back to the producer. */
static void
release_head(struct is_async *a)
{
	pthread_mutex_lock(&a->lock);
	a->head = (a->head + 1) % ASYNC_SLOTS;
	a->count--;
	a->lent = 0;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
}

/* The slot at head once the producer filled one; NULL and *end at the end. */
static struct slot *
wait_head(struct is_async *a, int *end)
{
	struct slot *s = NULL;

	if (a->lent)
		release_head(a);
	pthread_mutex_lock(&a->lock);
	while (a->count == 0 && !a->done)
		pthread_cond_wait(&a->cv, &a->lock);
	if (a->count == 0)
		*end = a->end;
	else
		s = &a->slots[a->head];
	pthread_mutex_unlock(&a->lock);
	return s;
}

/* The bytes stay in the slot, which goes back to the producer on the
 * next call. */
static ssize_t
as_borrow(struct lb_istream *is, const void **p, void *buf, size_t len)
{
	struct is_async *a = (struct is_async *)is;
	int end = 0;
	struct slot *s = wait_head(a, &end);
	size_t k;

	(void)buf;
	if (!s)
		return end;
	k = s->len - s->off;
	if (k > len)
		k = len;
	*p = s->p + s->off;
	s->off += k;
	if (s->off == s->len)
		a->lent = 1;
	return (ssize_t)k;
}

static ssize_t
as_read(struct lb_istream *is, void *buf, size_t len)
{
	const void *p;
	ssize_t k = as_borrow(is, &p, buf, len);

	if (k > 0)
		memcpy(buf, p, (size_t)k);
	return k;
}

static void
as_close(struct lb_istream *is)
{
	struct is_async *a = (struct is_async *)is;

	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->th, NULL);
	lb_is_close(a->src);
	for (int i = 0; i < ASYNC_SLOTS; i++)
		free(a->slots[i].p);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cv);
	free(a);
}

static const struct lb_istream_ops as_ops = {
	.name = "async", .read = as_read, .close = as_close, .borrow = as_borrow,
};

struct lb_istream *
lb_is_async(struct lb_istream *src)
{
	struct is_async *a = lb_xcalloc(1, sizeof(*a));

	a->is.ops = &as_ops;
	a->src = src;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cv, NULL);
	for (int i = 0; i < ASYNC_SLOTS; i++)
		a->slots[i].p = lb_xmalloc(ASYNC_SLOT);
	if (pthread_create(&a->th, NULL, producer, a) != 0) {
		/* no thread: read synchronously instead */
		for (int i = 0; i < ASYNC_SLOTS; i++)
			free(a->slots[i].p);
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->cv);
		free(a);
		return src;
	}
	return &a->is;
}
