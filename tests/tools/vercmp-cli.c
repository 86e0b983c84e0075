/* vercmp-cli.c - lb-vercmp: the version comparators over stdin, for the
 * differential tests (tests/e2e/t0500-vercmp-reference.sh), with the
 * protocol of `lifebelt version compare ECOSYSTEM -` (lb_vercmp_stream()):
 *
 *   lb-vercmp ECOSYSTEM < pairs
 *
 * Each input line is "A<TAB>B"; each output line is one of < = > for the
 * order of A and B, or ! when either is not a valid version (or the line
 * has no tab). Exit status:
 * 0, 64 for a bad command line, 74 for a read or write error.
 */
#include <stdio.h>

#include "base/lb_err.h"
#include "version/vercmp.h"

int
main(int argc, char **argv)
{
	const struct lb_vercmp_ops *ops;
	int r;

	if (argc != 2 || !(ops = lb_vercmp_find(argv[1]))) {
		fprintf(stderr, "usage: lb-vercmp ECOSYSTEM < pairs\necosystems:");
		for (size_t i = 0; lb_vercmp_at(i); i++)
			fprintf(stderr, " %s", lb_vercmp_at(i)->ecosystem);
		fprintf(stderr, "\n");
		return 64;
	}
	if ((r = lb_vercmp_stream(ops, stdin, stdout)) < 0) {
		fprintf(stderr, "lb-vercmp: %s\n", lb_strerror(r));
		return 74;
	}
	return 0;
}
