/* vercmp-cli.c - lb-vercmp: the version comparators over stdin, for the
 * differential tests (tests/e2e/t0500-vercmp-reference.sh). The protocol is
 * that of `lifebelt version compare ECOSYSTEM -`:
 *
 *   lb-vercmp ECOSYSTEM < pairs
 *
 * Each input line is "A<TAB>B"; each output line is one of < = > for the
 * order of A and B, or ! when either is not a valid version. A line
 * without a tab compares against the empty string. Exit status: 0, 64 for
 * a bad command line, 74 for a read or write error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_slice.h"
#include "version/vercmp.h"

static char
order(const struct lb_vercmp_ops *ops, struct lb_slice a, struct lb_slice b)
{
	int r;

	if (ops->validate(a) < 0 || ops->validate(b) < 0)
		return '!';
	r = ops->compare(a, b);
	return r < 0 ? '<' : r > 0 ? '>' : '=';
}

int
main(int argc, char **argv)
{
	const struct lb_vercmp_ops *ops;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (argc != 2 || !(ops = lb_vercmp_find(argv[1]))) {
		fprintf(stderr, "usage: lb-vercmp ECOSYSTEM < pairs\n"
		    "ecosystems:");
		for (size_t i = 0; lb_vercmp_at(i); i++)
			fprintf(stderr, " %s", lb_vercmp_at(i)->ecosystem);
		fprintf(stderr, "\n");
		return 64;
	}
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		struct lb_slice s = lb_slice_make(line, (size_t)n), a;

		if (s.len && s.p[s.len - 1] == '\n')
			s.len--;
		a = lb_slice_split(&s, '\t');
		if (putchar(order(ops, a, s)) == EOF || putchar('\n') == EOF)
			break;
	}
	free(line);
	if (ferror(stdin) || fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "lb-vercmp: %s\n", ferror(stdin) ? "read error" : "write error");
		return 74;
	}
	return 0;
}
