/* t_progress.c - the download progress line (registry/progress.h): its
 * text (sizes checked by hand: 1536 B = 1.5 KiB), redraws limited to ten
 * a second, the line cleared after the last download, and parallel
 * downloads adding up under threads. */
#include "lbtest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "registry/progress.h"

static void
test_format(void **state)
{
	char b[160];

	(void)state;
	assert_string_equal(lb_progress_format(b, sizeof(b), 1536, 3u << 20, 2),
	    "downloading 2 blobs: 1.5 KiB of 3.0 MiB (0%)");
	assert_string_equal(lb_progress_format(b, sizeof(b), 512, 1024, 1),
	    "downloading 1 blob: 512 B of 1.0 KiB (50%)");
	/* unknown sizes: no total and no percentage */
	assert_string_equal(lb_progress_format(b, sizeof(b), 10, 0, 1), "downloading 1 blob: 10 B");
	/* more than announced (a lying registry is caught elsewhere): no 100+% */
	assert_string_equal(lb_progress_format(b, sizeof(b), 2048, 1024, 1), "downloading 1 blob: 2.0 KiB");
	/* always terminated */
	lb_progress_format(b, 8, 1, 2, 1);
	assert_int_equal(strlen(b), 7);
}

static char *
slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	s = calloc(1, (size_t)n + 1);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

static int
count(const char *s, const char *sub)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, sub)); p++)
		n++;
	return n;
}

static void
test_draw(void **state)
{
	FILE *f = tmpfile();
	struct lb_progress *p = lb_progress_new(f);
	char *s;

	(void)state;
	assert_non_null(f);
	assert_null(lb_progress_new(NULL));
	lb_progress_begin(NULL, 1);   /* NULL does nothing */
	lb_progress_add(NULL, 1);
	lb_progress_end(NULL);
	lb_progress_free(NULL);
	lb_progress_begin(p, 1000);
	for (int i = 0; i < 100; i++)
		lb_progress_add(p, 10);   /* faster than the redraw limit */
	lb_progress_end(p);
	s = slurp(f);
	/* the first draw at once; the 100 adds within 100 ms add at most one */
	assert_true(count(s, "lifebelt: downloading 1 blob") >= 1);
	assert_true(count(s, "lifebelt: downloading 1 blob") <= 2);
	/* cleared at the end: the output ends with "\r" + erase-line */
	assert_true(strlen(s) >= 4 && strcmp(s + strlen(s) - 4, "\r\033[K") == 0);
	free(s);
	lb_progress_free(p);   /* nothing shown: nothing more written */
	s = slurp(f);
	assert_true(strcmp(s + strlen(s) - 4, "\r\033[K") == 0 && strstr(s, "\r\033[K\r\033[K") == NULL);
	free(s);
	fclose(f);
}

struct job {
	struct lb_progress *p;
};

static void *
worker(void *arg)
{
	struct job *j = arg;

	lb_progress_begin(j->p, 100000);
	for (int i = 0; i < 1000; i++)
		lb_progress_add(j->p, 100);
	lb_progress_end(j->p);
	return NULL;
}

static void
test_threads(void **state)
{
	FILE *f = tmpfile();
	struct lb_progress *p = lb_progress_new(f);
	struct job j = { p };
	pthread_t th[4];
	char *s;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &j), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	s = slurp(f);
	assert_non_null(strstr(s, "lifebelt: downloading"));
	assert_true(strcmp(s + strlen(s) - 4, "\r\033[K") == 0);
	free(s);
	lb_progress_free(p);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
